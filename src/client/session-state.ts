/**
 * The session as the app wants it (desired: every `updateSession` merged in, re-applied after a
 * reconnect) and as the server last confirmed it, and the rules that read them: the voice lock,
 * the output format, whether the session kind has responses and tools.
 */

import { DEFAULT_AUDIO_FORMAT } from '../base/defaults';
import { RealtimeError } from '../base/errors';
import type { AudioFormat } from '../events/audio';
import type { RealtimeSessionConfig, TranscriptionSessionConfig } from '../events/session';
import type { SessionFunctionTool } from '../tools/registry';

/** Desired and confirmed session config of one client. */
export class SessionState {
  /** What the app asked for, merged; applied on every (re)connect. */
  desired: RealtimeSessionConfig | TranscriptionSessionConfig;
  /** What the server last confirmed (`session.created` / `session.updated`). */
  confirmed: RealtimeSessionConfig | undefined;
  /** True once the model produced audio in this session: the voice is fixed from then on. */
  modelHasSpoken = false;

  constructor(initial: RealtimeSessionConfig | TranscriptionSessionConfig) {
    this.desired = initial;
  }

  /** Only a realtime session has responses and tools (a transcription session has neither). */
  get hasResponses(): boolean {
    return this.desired.type === 'realtime';
  }

  /** The desired config read as a realtime one (its optional fields are absent otherwise). */
  get #realtime(): RealtimeSessionConfig {
    return this.desired as RealtimeSessionConfig;
  }

  /** The tool choice in force. */
  get toolChoice(): RealtimeSessionConfig['tool_choice'] {
    return this.confirmed?.tool_choice ?? this.#realtime.tool_choice;
  }

  /** The output audio format in force (PCM16 at 24 kHz when none is named). */
  get outputFormat(): AudioFormat {
    return this.confirmed?.audio?.output?.format ?? this.#realtime.audio?.output?.format ?? DEFAULT_AUDIO_FORMAT;
  }

  /**
   * Merges an update into the desired config. Throws `VOXWIRE_VOICE_LOCKED`, changing nothing,
   * when it changes the voice after the model has spoken.
   */
  merge(update: RealtimeSessionConfig): void {
    const voice = update.audio?.output?.voice;
    const currentVoice = this.confirmed?.audio?.output?.voice ?? this.#realtime.audio?.output?.voice;
    if (voice !== undefined && this.modelHasSpoken && JSON.stringify(voice) !== JSON.stringify(currentVoice)) {
      throw new RealtimeError(
        'VOXWIRE_VOICE_LOCKED',
        `updateSession(): the model already spoke with ${JSON.stringify(currentVoice)}, so the voice cannot become ${JSON.stringify(voice)}; set it before the first response, or start a new session.`,
        { path: 'session.audio.output.voice' },
      );
    }
    this.desired = mergeSession(this.#realtime, update);
  }

  /** The session's tools: the registry's function tools over any others the config declares (MCP). */
  tools(registered: SessionFunctionTool[]): NonNullable<RealtimeSessionConfig['tools']> {
    const names = new Set(registered.map((tool) => tool.name));
    const declared = (this.#realtime.tools ?? []).filter((tool) => !('name' in tool && typeof tool.name === 'string' && names.has(tool.name)));
    return [...declared, ...registered];
  }

  /** The config a new session is opened with: a realtime one gets the current tools. */
  opening(registered: SessionFunctionTool[]): RealtimeSessionConfig | TranscriptionSessionConfig {
    return this.desired.type === 'realtime' ? { ...this.desired, tools: this.tools(registered) } : this.desired;
  }
}

/** Merges `update` over `base`, the nested `audio.input` / `audio.output` objects field by field. */
function mergeSession(base: RealtimeSessionConfig, update: RealtimeSessionConfig): RealtimeSessionConfig {
  const audio =
    base.audio || update.audio
      ? {
          ...base.audio,
          ...update.audio,
          input: base.audio?.input || update.audio?.input ? { ...base.audio?.input, ...update.audio?.input } : undefined,
          output: base.audio?.output || update.audio?.output ? { ...base.audio?.output, ...update.audio?.output } : undefined,
        }
      : undefined;
  const merged = { ...base, ...update } as RealtimeSessionConfig;
  if (audio) {
    if (audio.input === undefined) delete audio.input;
    if (audio.output === undefined) delete audio.output;
    merged.audio = audio as RealtimeSessionConfig['audio'];
  }
  return merged;
}
