/**
 * The models voxwire knows, with what they can do and when OpenAI shuts them down. The table is
 * taken from the `openai` package's types (7.60.0: the "Deprecated values ... Announced shutdown
 * date" notes on `RealtimeSession.model` and `AudioTranscription.model`) and OpenAI's model
 * pages. A model that is not in the table is never refused: the API adds models faster than
 * voxwire is released.
 *
 * No runtime import: the client loads this table on demand and builds its own error from a
 * verdict, so the lazy chunk shares nothing with the root bundle's load-time code.
 */
/** A session kind a model can hold. */
export type ModelSessionKind = 'realtime' | 'transcription' | 'translation' | 'live';

/** Wire audio formats of the Realtime API. */
export type ModelAudioFormat = 'audio/pcm' | 'audio/pcmu' | 'audio/pcma';

/** One known model. */
export interface ModelInfo {
  /** The model name as sent in `?model=` or `session.model`. */
  readonly name: string;
  /** The family the name belongs to (an alias and its dated snapshots share one). */
  readonly family: string;
  /** Session kinds the model serves. */
  readonly sessionKinds: readonly ModelSessionKind[];
  /** Whether the session `reasoning` setting applies (`reasoning.effort`). */
  readonly reasoning: boolean;
  /** Wire audio formats the model takes and gives. */
  readonly audioFormats: readonly ModelAudioFormat[];
  /** Announced shutdown date (`YYYY-MM-DD`, UTC), when one is announced. */
  readonly shutdownDate?: string;
  /** The recommended replacement, for a model with a shutdown date. */
  readonly replacement?: string;
}

const ALL_FORMATS: readonly ModelAudioFormat[] = ['audio/pcm', 'audio/pcmu', 'audio/pcma'];
const PCM_ONLY: readonly ModelAudioFormat[] = ['audio/pcm'];

/** The announced shutdown of the first GA realtime models (openai 7.60.0). */
const REALTIME_1_SHUTDOWN = '2027-01-20';
/** The announced shutdown of `whisper-1` and the `gpt-4o-*-transcribe` models (openai 7.60.0). */
const TRANSCRIBE_4O_SHUTDOWN = '2027-02-26';

function realtime(name: string, family: string, reasoning: boolean, shutdown?: { date: string; replacement: string }): ModelInfo {
  return {
    name,
    family,
    sessionKinds: ['realtime'],
    reasoning,
    audioFormats: ALL_FORMATS,
    ...(shutdown ? { shutdownDate: shutdown.date, replacement: shutdown.replacement } : {}),
  };
}

function transcription(name: string, family: string, shutdown?: { date: string; replacement: string }): ModelInfo {
  return {
    name,
    family,
    sessionKinds: ['transcription'],
    reasoning: false,
    audioFormats: ALL_FORMATS,
    ...(shutdown ? { shutdownDate: shutdown.date, replacement: shutdown.replacement } : {}),
  };
}

const toRealtime21 = { date: REALTIME_1_SHUTDOWN, replacement: 'gpt-realtime-2.1' };
const toRealtime21Mini = { date: REALTIME_1_SHUTDOWN, replacement: 'gpt-realtime-2.1-mini' };
// OpenAI names `gpt-live-transcribe` (live audio) or `gpt-transcribe` (files) as replacements.
const toTranscribe = { date: TRANSCRIBE_4O_SHUTDOWN, replacement: 'gpt-live-transcribe' };

/**
 * Every model voxwire knows. Realtime models come from `RealtimeSession.model` of the `openai`
 * types, transcription models from `AudioTranscription.model`, the translation model from the
 * translation session types. Replacements follow OpenAI's deprecations page (`gpt-realtime` →
 * `gpt-realtime-2.1`, `gpt-realtime-mini` → `gpt-realtime-2.1-mini`).
 */
// Built by a pure call, so a bundle that never reads the table (an app on the defaults) drops it.
export const KNOWN_MODELS: readonly ModelInfo[] = /* @__PURE__ */ (() => [
  realtime('gpt-realtime-2.1', 'gpt-realtime-2.1', true),
  realtime('gpt-realtime-2.1-mini', 'gpt-realtime-2.1-mini', true),
  realtime('gpt-realtime-2', 'gpt-realtime-2', true),
  realtime('gpt-realtime-1.5', 'gpt-realtime-1.5', false),
  realtime('gpt-realtime', 'gpt-realtime', false, toRealtime21),
  realtime('gpt-realtime-2025-08-28', 'gpt-realtime', false, toRealtime21),
  realtime('gpt-realtime-mini', 'gpt-realtime-mini', false, toRealtime21Mini),
  // The types list only the 2025-12-15 snapshot of the mini models as shutting down.
  realtime('gpt-realtime-mini-2025-10-06', 'gpt-realtime-mini', false),
  realtime('gpt-realtime-mini-2025-12-15', 'gpt-realtime-mini', false, toRealtime21Mini),
  realtime('gpt-audio-1.5', 'gpt-audio-1.5', false),
  realtime('gpt-audio-mini', 'gpt-audio-mini', false, toRealtime21Mini),
  realtime('gpt-audio-mini-2025-10-06', 'gpt-audio-mini', false),
  realtime('gpt-audio-mini-2025-12-15', 'gpt-audio-mini', false, toRealtime21Mini),
  transcription('gpt-transcribe', 'gpt-transcribe'),
  transcription('gpt-live-transcribe', 'gpt-live-transcribe'),
  // Streaming speech to text; turn detection must be null in its transcription sessions.
  transcription('gpt-realtime-whisper', 'gpt-realtime-whisper'),
  transcription('whisper-1', 'whisper-1', toTranscribe),
  transcription('gpt-4o-transcribe', 'gpt-4o-transcribe', toTranscribe),
  transcription('gpt-4o-transcribe-diarize', 'gpt-4o-transcribe', toTranscribe),
  transcription('gpt-4o-mini-transcribe', 'gpt-4o-mini-transcribe', toTranscribe),
  transcription('gpt-4o-mini-transcribe-2025-12-15', 'gpt-4o-mini-transcribe', toTranscribe),
  // Translation sessions take 24 kHz PCM16 only (openai 7.60.0, `input_audio_buffer.append`).
  { name: 'gpt-realtime-translate', family: 'gpt-realtime-translate', sessionKinds: ['translation'], reasoning: false, audioFormats: PCM_ONLY },
  // GPT-Live (`/v1/live/sessions`, not `/v1/realtime`): PCM16 at 16 or 24 kHz or G.711 on a
  // WebSocket (openai 7.60.0 `AudioFormat`); `gpt-live-1.1` from its model page. No shutdown dates.
  { name: 'gpt-live-1', family: 'gpt-live-1', sessionKinds: ['live'], reasoning: false, audioFormats: ALL_FORMATS },
  { name: 'gpt-live-1.1', family: 'gpt-live-1.1', sessionKinds: ['live'], reasoning: false, audioFormats: ALL_FORMATS },
])();

const byName = /* @__PURE__ */ new Map<string, ModelInfo>();

/** The table entry of `name`, or `undefined` for a model voxwire does not know. */
export function findModel(name: string): ModelInfo | undefined {
  if (byName.size === 0) for (const model of KNOWN_MODELS) byName.set(model.name, model);
  return byName.get(name);
}

/** Where a model stands on a given day. */
export type ModelLifecycle =
  | {
      /** A model voxwire does not know: passed through, never refused. */
      readonly status: 'unknown';
      /** The model name asked about. */
      readonly model: string;
    }
  | {
      /** A known model with no shutdown announced, or one more than the warning window away. */
      readonly status: 'current';
      /** The model name asked about. */
      readonly model: string;
      /** Its table entry. */
      readonly info: ModelInfo;
    }
  | {
      /** A known model whose shutdown date is within the warning window. */
      readonly status: 'shutting_down';
      /** The model name asked about. */
      readonly model: string;
      /** Its table entry. */
      readonly info: ModelInfo;
      /** The announced shutdown date (`YYYY-MM-DD`, UTC). */
      readonly shutdownDate: string;
      /** Whole days from `now` to the shutdown (0 on its eve). */
      readonly daysLeft: number;
      /** The recommended replacement, when one is named. */
      readonly replacement: string | undefined;
    }
  | {
      /** A known model past its shutdown date: the API no longer serves it. */
      readonly status: 'shut_down';
      /** The model name asked about. */
      readonly model: string;
      /** Its table entry. */
      readonly info: ModelInfo;
      /** The announced shutdown date (`YYYY-MM-DD`, UTC). */
      readonly shutdownDate: string;
      /** The recommended replacement, when one is named. */
      readonly replacement: string | undefined;
    };

const DAY_MS = 24 * 60 * 60 * 1000;

/** Days before a shutdown from which voxwire warns about a model. */
export const MODEL_SHUTDOWN_WARNING_DAYS = 60;

/**
 * Where `model` stands at `now`: `shut_down` from 00:00 UTC of its shutdown date,
 * `shutting_down` within `warningDays` before it, `current` otherwise, `unknown` when voxwire
 * does not know the name.
 *
 * @example
 * ```ts
 * const lifecycle = modelLifecycle('gpt-realtime', Date.now());
 * if (lifecycle.status === 'shutting_down') console.log(`use ${lifecycle.replacement}`);
 * ```
 */
export function modelLifecycle(model: string, now: number | Date, warningDays: number = MODEL_SHUTDOWN_WARNING_DAYS): ModelLifecycle {
  const info = findModel(model);
  if (!info) return { status: 'unknown', model };
  if (info.shutdownDate === undefined) return { status: 'current', model, info };
  const at = typeof now === 'number' ? now : now.getTime();
  const shutdownAt = Date.parse(`${info.shutdownDate}T00:00:00Z`);
  if (at >= shutdownAt) return { status: 'shut_down', model, info, shutdownDate: info.shutdownDate, replacement: info.replacement };
  const daysLeft = Math.floor((shutdownAt - at) / DAY_MS);
  if (daysLeft < warningDays) {
    return { status: 'shutting_down', model, info, shutdownDate: info.shutdownDate, daysLeft, replacement: info.replacement };
  }
  return { status: 'current', model, info };
}

/**
 * A model within {@link MODEL_SHUTDOWN_WARNING_DAYS} of its announced shutdown, as the client's
 * `modelWarning` event and the relay's `voxwire.model.deprecated` event report it.
 */
export interface ModelWarning {
  /** The model the session uses. */
  readonly model: string;
  /** Its announced shutdown date (`YYYY-MM-DD`, UTC). */
  readonly shutdownDate: string;
  /** Whole days left until the shutdown (0 on its eve). */
  readonly daysLeft: number;
  /** The recommended replacement, when one is named. */
  readonly replacement: string | undefined;
  /** Who noticed: the client itself, or a voxwire relay between the client and the API. */
  readonly source: 'client' | 'relay';
}

/**
 * What {@link judgeModel} decides: nothing, warn once, or refuse. A refusal carries `Refusal`:
 * here its message; `checkModel` (models.ts) turns it into its `RealtimeError`.
 */
export type ModelVerdict<
  Refusal = {
    /** The `VOXWIRE_MODEL_SHUT_DOWN` message, naming the replacement. */
    readonly message: string;
  },
> =
  | {
      /** Nothing to do: a current model, one far from its shutdown, or an unknown name. */
      readonly action: 'none';
    }
  | {
      /** Warn once: the model shuts down within the warning window. */
      readonly action: 'warn';
      /** What to tell the app (`modelWarning`) or the client (`voxwire.model.deprecated`). */
      readonly warning: ModelWarning;
      /** The warning in words, naming the date and the replacement. */
      readonly message: string;
    }
  | ({
      /** Refuse the session: the model is past its shutdown date. */
      readonly action: 'refuse';
    } & Refusal);

/** The one rule of {@link checkModel}, without building the error (see the module note). */
export function judgeModel(model: string, now: number, source: ModelWarning['source']): ModelVerdict {
  const lifecycle = modelLifecycle(model, now);
  if (lifecycle.status === 'shut_down') {
    const instead = lifecycle.replacement === undefined ? 'choose a current model' : `use \`${lifecycle.replacement}\` instead`;
    return { action: 'refuse', message: `Model \`${model}\` was shut down on ${lifecycle.shutdownDate} (announced by OpenAI); the API no longer serves it: ${instead}.` };
  }
  if (lifecycle.status !== 'shutting_down') return { action: 'none' };
  const { shutdownDate, daysLeft, replacement } = lifecycle;
  const move = replacement === undefined ? 'move to a current model' : `move to \`${replacement}\``;
  return {
    action: 'warn',
    warning: { model, shutdownDate, daysLeft, replacement, source },
    message: `Model \`${model}\` shuts down on ${shutdownDate} (in ${daysLeft} day${daysLeft === 1 ? '' : 's'}, announced by OpenAI): ${move}.`,
  };
}

/**
 * A client's check of the models its session names (`[name, path]`, in order), before any
 * network call: `warn` gets each one within the warning window; the first past its shutdown
 * throws `VOXWIRE_MODEL_SHUT_DOWN` naming its path (`errorClass` is `RealtimeError`, passed in:
 * see the module note), and the ones after it are not judged.
 */
export function checkModels(
  named: ReadonlyArray<readonly [string, string]>,
  now: number,
  warn: (warning: ModelWarning, message: string) => void,
  errorClass: new (code: 'VOXWIRE_MODEL_SHUT_DOWN', message: string, options: { path: string }) => Error,
): void {
  for (const [model, path] of named) {
    const check = judgeModel(model, now, 'client');
    if (check.action === 'refuse') throw new errorClass('VOXWIRE_MODEL_SHUT_DOWN', check.message, { path });
    if (check.action === 'warn') warn(check.warning, check.message);
  }
}
