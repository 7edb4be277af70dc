/**
 * The session object the mock reports in `session.created` / `session.updated`: a full GA
 * realtime session with the API's defaults, and the merge a `session.update` performs on it.
 *
 * Defaults follow the `openai` package's documentation of the GA types: `server_vad` with
 * threshold 0.5, `prefix_padding_ms` 300 and `silence_duration_ms` 500 ("Defaults to 500ms"),
 * `create_response` and `interrupt_response` on, `idle_timeout_ms` null, PCM16 at 24 kHz both
 * ways, voice `marin`, speed 1, `output_modalities: ['audio']`, `max_output_tokens: 'inf'`,
 * transcription and noise reduction off. (Captured traffic of `gpt-realtime-2025-08-28` reports
 * `silence_duration_ms: 200`; set it through the server's `sessionDefaults` to mimic that.)
 */

import { DEFAULT_TRANSCRIPTION_MODEL } from '../../base/defaults';
import type { RealtimeSessionConfig } from '../../events/session';
import { isRecord } from '../../base/is-record';

/** Turn detection as the session reports it (both kinds in one shape). */
export interface MockTurnDetection {
  /** Server VAD (`server_vad`) or semantic VAD (`semantic_vad`). */
  type: 'server_vad' | 'semantic_vad';
  /** `server_vad`: activation threshold, 0 to 1 (default 0.5). */
  threshold?: number;
  /** `server_vad`: audio kept before detected speech, in ms (default 300). */
  prefix_padding_ms?: number;
  /** `server_vad`: silence that ends a turn, in ms (default 500). */
  silence_duration_ms?: number;
  /** `server_vad`: silence after which the model prompts the user, in ms; `null` for never. */
  idle_timeout_ms?: number | null;
  /** Whether the end of a turn creates a response (default on). */
  create_response?: boolean;
  /** Whether speech interrupts a response in progress (default on). */
  interrupt_response?: boolean;
  /** `semantic_vad`: how soon the model answers (default `auto`). */
  eagerness?: 'low' | 'medium' | 'high' | 'auto';
}

/** An audio format as the session reports it. */
export interface MockAudioFormat {
  /** PCM16 (`audio/pcm`), G.711 µ-law (`audio/pcmu`) or G.711 A-law (`audio/pcma`). */
  type: 'audio/pcm' | 'audio/pcmu' | 'audio/pcma';
  /** The sample rate of `audio/pcm`: 24000. */
  rate?: number;
}

/** The full session object of `session.created` / `session.updated`. */
export interface MockSessionObject {
  /** Always `realtime`. */
  type: 'realtime';
  /** Always `realtime.session`. */
  object: 'realtime.session';
  /** The session id (`sess_...`). */
  id: string;
  /** The model the session uses. */
  model: string;
  /** What the model answers with: `['audio']` (audio plus transcript) or `['text']`. */
  output_modalities: Array<'text' | 'audio'>;
  /** The system instructions. */
  instructions: string;
  /** The declared tools, as the client sent them. */
  tools: unknown[];
  /** The tool choice, as the client sent it (`auto` by default). */
  tool_choice: unknown;
  /** The cap on output tokens per response, or `'inf'`. */
  max_output_tokens: number | 'inf';
  /** The tracing settings, as the client sent them. */
  tracing: unknown;
  /** The prompt template reference, as the client sent it. */
  prompt: unknown;
  /** When the session expires, in seconds since the epoch. */
  expires_at: number;
  /** Input and output audio settings. */
  audio: {
    /** Input audio settings. */
    input: {
      /** The input audio format. */
      format: MockAudioFormat;
      /** Input transcription settings, or `null` when off. */
      transcription: Record<string, unknown> | null;
      /** Noise reduction settings, or `null` when off. */
      noise_reduction: Record<string, unknown> | null;
      /** Turn detection, or `null` when the client commits turns itself. */
      turn_detection: MockTurnDetection | null;
    };
    /** Output audio settings. */
    output: {
      /** The output audio format. */
      format: MockAudioFormat;
      /** The voice: a name, or `{ id }` for a custom voice. */
      voice:
        | string
        | {
            /** The custom voice id. */
            id: string;
          };
      /** The speaking speed, 0.25 to 1.5 (1 is normal). */
      speed: number;
    };
  };
  /** Extra data the server adds to events, or `null`. */
  include: string[] | null;
  [key: string]: unknown;
}

/** Session fields a server may preset for every connection (`sessionDefaults`). */
export type MockSessionDefaults = Omit<RealtimeSessionConfig, 'type'> & {
  /** Always `realtime` when given. */
  type?: 'realtime';
};

/** The mock's default instructions (the real API's are a paragraph about being warm and witty). */
export const MOCK_DEFAULT_INSTRUCTIONS =
  'You are a helpful, friendly voice assistant. Keep answers short. (voxwire mock Realtime server)';

const SERVER_VAD_DEFAULTS = {
  type: 'server_vad',
  threshold: 0.5,
  prefix_padding_ms: 300,
  silence_duration_ms: 500,
  idle_timeout_ms: null,
  create_response: true,
  interrupt_response: true,
} as const satisfies MockTurnDetection;

const SEMANTIC_VAD_DEFAULTS = {
  type: 'semantic_vad',
  eagerness: 'auto',
  create_response: true,
  interrupt_response: true,
} as const satisfies MockTurnDetection;

const SERVER_VAD_KEYS = Object.keys(SERVER_VAD_DEFAULTS);
const SEMANTIC_VAD_KEYS = Object.keys(SEMANTIC_VAD_DEFAULTS);

/**
 * Fields replaced whole by an update rather than merged: formats (a `{ type: 'audio/pcmu' }`
 * must not inherit `rate: 24000`), voices (a name or `{ id }`), tool lists and choices, and the
 * other settings whose members only make sense together.
 */
const REPLACED_KEYS = new Set(['format', 'voice', 'tools', 'tool_choice', 'prompt', 'tracing', 'include', 'noise_reduction', 'truncation']);

function deepMerge(base: Record<string, unknown>, update: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(update)) {
    if (value === undefined) continue;
    const current = out[key];
    const sameKind =
      isRecord(current) && isRecord(value) && (key !== 'turn_detection' || current.type === value.type || value.type === undefined);
    out[key] = sameKind && !REPLACED_KEYS.has(key) ? deepMerge(current, value) : structuredClone(value);
  }
  return out;
}

function normalizeFormat(format: unknown): MockAudioFormat {
  if (isRecord(format) && format.type === 'audio/pcm') return { type: 'audio/pcm', rate: typeof format.rate === 'number' ? format.rate : 24000 };
  if (isRecord(format) && (format.type === 'audio/pcmu' || format.type === 'audio/pcma')) return { type: format.type };
  return { type: 'audio/pcm', rate: 24000 };
}

function normalizeTurnDetection(value: unknown): MockTurnDetection | null {
  if (!isRecord(value)) return null;
  if (value.type === 'semantic_vad') {
    const picked = Object.fromEntries(Object.entries(value).filter(([key]) => SEMANTIC_VAD_KEYS.includes(key)));
    return { ...SEMANTIC_VAD_DEFAULTS, ...picked } as MockTurnDetection;
  }
  const picked = Object.fromEntries(Object.entries(value).filter(([key]) => SERVER_VAD_KEYS.includes(key)));
  return { ...SERVER_VAD_DEFAULTS, ...picked, type: 'server_vad' } as MockTurnDetection;
}

/** The API echoes the transcription settings with their defaults: no language hint, an empty prompt. */
function withTranscriptionDefaults(transcription: Record<string, unknown>): Record<string, unknown> {
  return { ...transcription, language: transcription.language ?? null, prompt: transcription.prompt ?? '' };
}

function normalize(session: Record<string, unknown>): MockSessionObject {
  const audio = isRecord(session.audio) ? session.audio : {};
  const input = isRecord(audio.input) ? audio.input : {};
  const output = isRecord(audio.output) ? audio.output : {};
  return {
    ...session,
    audio: {
      ...audio,
      input: {
        ...input,
        format: normalizeFormat(input.format),
        transcription: isRecord(input.transcription) ? withTranscriptionDefaults(input.transcription) : null,
        noise_reduction: isRecord(input.noise_reduction) ? input.noise_reduction : null,
        turn_detection: normalizeTurnDetection(input.turn_detection),
      },
      output: {
        ...output,
        format: normalizeFormat(output.format),
        voice: (output.voice as MockSessionObject['audio']['output']['voice'] | undefined) ?? 'marin',
        speed: typeof output.speed === 'number' ? output.speed : 1,
      },
    },
  } as MockSessionObject;
}

/** Builds the session a new connection starts with. */
export function createMockSession(init: {
  id: string;
  model: string;
  expiresAtSeconds: number;
  defaults?: MockSessionDefaults | undefined;
}): MockSessionObject {
  const base: Record<string, unknown> = {
    type: 'realtime',
    object: 'realtime.session',
    id: init.id,
    model: init.model,
    output_modalities: ['audio'],
    instructions: MOCK_DEFAULT_INSTRUCTIONS,
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    prompt: null,
    truncation: 'auto',
    expires_at: init.expiresAtSeconds,
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24000 },
        transcription: null,
        noise_reduction: null,
        turn_detection: { ...SERVER_VAD_DEFAULTS },
      },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin', speed: 1 },
    },
    include: null,
  };
  const defaults: Record<string, unknown> = { ...(init.defaults ?? {}) };
  delete defaults.type;
  return normalize(deepMerge(base, defaults));
}

/**
 * Applies a `session.update` to a session, as the API does: objects merge field by field,
 * arrays and the fields listed in {@link REPLACED_KEYS} are replaced, `null` turns a setting
 * off, a turn detection of another `type` replaces the old one, and missing turn-detection
 * fields take their defaults. Never mutates `session`. Identity fields (`id`, `object`,
 * `expires_at`) cannot be changed.
 */
export function mergeSessionUpdate(session: MockSessionObject, update: RealtimeSessionConfig): MockSessionObject {
  const changes: Record<string, unknown> = { ...update };
  delete changes.type;
  const merged = deepMerge(session, changes);
  merged.id = session.id;
  merged.object = session.object;
  merged.expires_at = session.expires_at;
  return normalize(merged);
}

/** Kinds of session the mock holds: a conversation (`realtime`) or input transcription only. */
export type MockSessionKind = 'realtime' | 'transcription';

/** A transcription session as `session.created` / `session.updated` report it (the official example's fields). */
export interface MockTranscriptionSessionObject {
  /** Always `transcription`. */
  type: 'transcription';
  /** Always `realtime.transcription_session`. */
  object: 'realtime.transcription_session';
  /** The session id (`sess_...`). */
  id: string;
  /** When the session expires, in seconds since the epoch. */
  expires_at: number;
  /** Extra data the server adds to events, or `null`. */
  include: string[] | null;
  /** Input audio settings (a transcription session has no output). */
  audio: {
    /** Input audio settings; turn detection without the response-related fields. */
    input: Omit<MockSessionObject['audio']['input'], 'turn_detection'> & {
      /** Turn detection as the client set it (`null`: the client commits turns itself). */
      turn_detection: Record<string, unknown> | null;
    };
  };
}

const RESPONSE_ONLY_VAD_KEYS = ['idle_timeout_ms', 'create_response', 'interrupt_response'];

/** The session as a transcription session reports it: input audio only, nothing about responses. */
export function transcriptionSessionView(session: MockSessionObject): MockTranscriptionSessionObject {
  const input = session.audio.input;
  const detection = input.turn_detection;
  const turnDetection = detection === null ? null : Object.fromEntries(Object.entries(detection).filter(([key]) => !RESPONSE_ONLY_VAD_KEYS.includes(key)));
  return {
    type: 'transcription',
    object: 'realtime.transcription_session',
    id: session.id,
    expires_at: session.expires_at,
    include: structuredClone(session.include),
    audio: { input: { ...structuredClone(input), turn_detection: turnDetection } },
  };
}

/** The voice of a session, as a comparable string (`{ id }` voices by id). */
export function voiceKey(voice: unknown): string {
  if (typeof voice === 'string') return voice;
  if (isRecord(voice) && typeof voice.id === 'string') return `id:${voice.id}`;
  return JSON.stringify(voice);
}

/** Makes a session a transcription session in place: it always transcribes and never answers. */
export function becomeTranscription(session: MockSessionObject): void {
  const input = session.audio.input;
  if (input.transcription === null) input.transcription = { model: DEFAULT_TRANSCRIPTION_MODEL, language: null, prompt: '' };
  if (input.turn_detection !== null) {
    input.turn_detection.create_response = false;
    input.turn_detection.interrupt_response = false;
  }
}
