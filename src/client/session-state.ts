/**
 * The session as the app wants it (desired: every `updateSession` merged in, re-applied after a
 * reconnect) and as the server last confirmed it, the rules that read them (the voice lock, the
 * output format, whether the session kind has responses and tools, the models it names), and
 * setting a session up: the transport connected, `session.created` awaited, the config applied
 * and confirmed.
 */

import type { Clock } from '../base/clock';
import { DEFAULT_AUDIO_FORMAT } from '../base/defaults';
import { RealtimeError } from '../base/errors';
import type { ModelWarning } from '../base/model-lifecycle';
import type { AudioFormat } from '../events/audio';
import type { ServerEvent } from '../events/server-events';
import type { RealtimeSessionConfig, TranscriptionSessionConfig } from '../events/session';
import type { SessionFunctionTool } from '../tools/registry';
import { realtimeProtocol } from '../transport/realtime-protocol';
import type { Transport } from '../transport/transport';
import type { Connection, SafeEmit } from './connection';
import type { Conversation } from './conversation';
import type { EventWaiters } from './event-waiters';
import { anySignal } from './abort';
import { toRealtimeError } from './session-errors';

/** What {@link SessionState} sets sessions up with. */
export interface SessionLink {
  readonly transport: Transport;
  readonly waiters: EventWaiters<ServerEvent>;
  readonly connection: Connection;
  readonly conversation: Conversation;
  readonly emit: SafeEmit<{ error: [error: RealtimeError] }>;
  readonly clock: Clock;
  /** How long to wait for `session.created` and for each `session.updated`. */
  readonly timeoutMs: number;
  /** A new id: `id('evt_vx')`. */
  id(prefix: string): string;
}

/** Desired and confirmed session config of one client, and its setup. */
export class SessionState {
  /** What the app asked for, merged; applied on every (re)connect. */
  desired: RealtimeSessionConfig | TranscriptionSessionConfig;
  /** What the server last confirmed (`session.created` / `session.updated`). */
  confirmed: RealtimeSessionConfig | undefined;
  /** True once the model produced audio in this session: the voice is fixed from then on. */
  modelHasSpoken = false;
  readonly #link: SessionLink;

  constructor(initial: RealtimeSessionConfig | TranscriptionSessionConfig, link: SessionLink) {
    this.desired = initial;
    this.#link = link;
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

  /**
   * The models this session names (`model`, `session.model`, the transcription model) against
   * OpenAI's announced shutdowns: `warn` once within 60 days, refuses one past its date before
   * any network call. Unknown names pass.
   */
  async checkModels(model: string | undefined, warn: (warning: ModelWarning, message: string) => void): Promise<void> {
    const session = this.desired as { model?: unknown; audio?: { input?: { transcription?: { model?: unknown } | null } } };
    const named = [
      [model, 'model'],
      [session.model, 'session.model'],
      [session.audio?.input?.transcription?.model, 'session.audio.input.transcription.model'],
    ].filter((entry): entry is [string, string] => typeof entry[0] === 'string');
    // The defaults have no shutdown date (test/models.test.ts), and the model table loads on
    // demand, so an app on the defaults never ships it.
    if (named.length === 0) return;
    const { checkModels } = await import('../base/model-lifecycle');
    checkModels(named, this.#link.clock.now(), warn, RealtimeError);
  }

  /**
   * Sets a session up: connects the transport, waits for the new session (`session.created`,
   * whose model has not spoken yet), applies the desired config (a realtime one with the
   * registry's tools then) and, restoring after a drop or a rotation, replays the conversation
   * within `replayBudgetChars` (false for a first session). Resolves with the session id (empty
   * when it has none). A failed connect ends every wait.
   */
  async open(signal: AbortSignal, replayBudgetChars: number | false, registry: { toSessionTools(): SessionFunctionTool[] }): Promise<string> {
    const { transport, waiters, connection } = this.#link;
    const created = waiters.wait((event) => event.type === 'session.created' && event, this.#link.timeoutMs, signal, 'session.created');
    created.catch(() => undefined);
    try {
      await transport.connect({ signal, protocol: realtimeProtocol });
    } catch (error) {
      waiters.rejectAll(toRealtimeError(error, 'VOXWIRE_CONNECTION_FAILED'));
      throw error;
    }
    const { id } = (await created).session;
    this.modelHasSpoken = false;
    connection.sessionExpired = false;
    connection.relayEnding = undefined;
    // Only a realtime session has tools and responses; a transcription session refuses them.
    await this.apply(this.opening(registry.toSessionTools()), signal);
    if (replayBudgetChars !== false) {
      for (const item of this.#link.conversation.replayItems(replayBudgetChars)) transport.send({ type: 'conversation.item.create', item });
    }
    return typeof id === 'string' ? id : '';
  }

  /**
   * The tool registry changed: a live realtime session gets its tools again (the session keeps
   * any others the config declares). A refusal is reported as `error`.
   */
  retool(registry: { toSessionTools(): SessionFunctionTool[] }): void {
    if (this.#link.connection.phase !== 'live' || !this.hasResponses) return;
    this.apply({ type: 'realtime', tools: this.tools(registry.toSessionTools()) }).catch((error: unknown) =>
      this.#link.emit('error', toRealtimeError(error, 'VOXWIRE_INVALID_SESSION_CONFIG')),
    );
  }

  /**
   * Sends `session.update` and resolves with the session the server confirms (`session.updated`);
   * rejects with the `error` that refuses it, or at once when the transport refuses the send.
   */
  async apply(session: RealtimeSessionConfig | TranscriptionSessionConfig, signal = this.#link.connection.signal): Promise<RealtimeSessionConfig> {
    const { transport, waiters } = this.#link;
    const eventId = this.#link.id('evt_vx');
    // Ends the wait at once when the send is refused, so nothing is left to reject later.
    const refused = new AbortController();
    const confirmed = waiters.wait(
      (event) => {
        if (event.type === 'session.updated') return event;
        if (event.type === 'error' && event.error.event_id === eventId) return 'reject';
        return false;
      },
      this.#link.timeoutMs,
      anySignal([signal, refused.signal]),
      'session.updated',
    );
    confirmed.catch(() => undefined);
    try {
      transport.send({ type: 'session.update', event_id: eventId, session });
    } catch (error) {
      refused.abort(error);
      throw error;
    }
    return (await confirmed).session as RealtimeSessionConfig;
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
