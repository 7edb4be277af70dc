/**
 * The upstream side of a relayed session: what the relay reads from the upstream's frames
 * (errors about its own key, the operator's config taking effect, responses starting and
 * finishing with their usage, final transcripts, a WebRTC call's speech and playback) and the
 * events the relay itself sends upstream (the operator's session config, server-tool outputs
 * and follow-up responses). Frames whose type needs nothing from the relay pass untouched.
 */
import { SESSION_ACTIVITY_EVENT_TYPES } from '../../base/session-limits';
import { CLOSE_CODES } from '../../base/errors';
import type { ClientEventInput } from '../../events/client-events';
import { parseServerEvent } from '../../events/realtime-codec';
import type { ResponseCreateParams, Usage } from '../../events/response';
import { parseTranslationServerEvent } from '../../events/translation-parse';
import { RELAY_EVENT_ID_PREFIX, relayEventId } from './ids';
import type { RelaySessionType } from './policy';
import type { RelayIdentity } from './relay-options';
import type { RelaySession } from './relay-session';
import type { RelaySessionHooks } from './relay-session-init';
import type { SessionDeadline } from './session-deadlines';
import type { SessionPipe } from './session-pipe';
import type { ResolvedRelaySettings } from './relay-settings';
import type { RelayToolRunner } from './server-tools';
import type { SessionCharges } from './session-charges';
import { INIT_TIMEOUT_MS, INSPECTED_TYPES, INSPECTED_TYPES_WITH_TOOLS, isServerKeyError, MEDIA_TRACK_TYPES, now, OUTPUT_AUDIO_DELTA, TRANSLATION_AUDIO_DELTA, TRANSLATION_DELTAS, type Json } from './session-frames';
import type { RelayFrame } from './socket';
import { relayErrorFrame } from './wire-events';
import { isRecord } from '../../base/is-record';

/** Output audio counts as activity for the idle limit (base/session-limits.ts), as the general path reads it. */
const AUDIO_DELTA_IS_ACTIVITY = SESSION_ACTIVITY_EVENT_TYPES.has(OUTPUT_AUDIO_DELTA);

/** What the upstream side of a session is made from. */
export interface UpstreamFramesInit {
  /** The session (its id, whether it ended, and how to end it). */
  session: RelaySession<RelayIdentity>;
  /** Where transcripts and usage are reported. */
  hooks: RelaySessionHooks;
  /** The session's sockets. */
  pipe: SessionPipe;
  /** The session's time and idle limits (touched on activity), when it has any. */
  limits: SessionDeadline | undefined;
  /** The relay's settings. */
  settings: UpstreamSettings;
  /** The session's charges. */
  charges: SessionCharges;
  /** The server-side tools, when the relay has any. */
  tools: RelayToolRunner | undefined;
  /** Whether the audio travels in the frames (false for a WebRTC call's sideband). */
  audioInFrames: boolean;
  /** The kind of session as far as known when it opens. */
  sessionType: RelaySessionType;
}

/** The settings the upstream side reads. */
type UpstreamSettings = Pick<ResolvedRelaySettings<never>, 'translation' | 'clock' | 'logger'>;

/** The operator's session config on its way: the relay's event id, the timer that stops waiting, the client's `session.created` held until then. */
interface PendingInit {
  readonly eventId: string;
  timer: unknown;
  heldSessionCreated: Json | undefined;
}

/** A session's upstream frames and the events the relay sends upstream itself. */
export class UpstreamFrames {
  /** The relay's settings (translation, clock, logger): one reference, not a copy of each. */
  readonly #settings: UpstreamSettings;
  /** A conversation, or input transcription only (then response events are refused). */
  sessionType: RelaySessionType;
  readonly #session: RelaySession<RelayIdentity>;
  readonly #hooks: RelaySessionHooks;
  readonly #pipe: SessionPipe;
  readonly #limits: SessionDeadline | undefined;
  readonly #charges: SessionCharges;
  readonly #tools: RelayToolRunner | undefined;
  readonly #audioInFrames: boolean;
  readonly #inspected: ReadonlySet<string>;
  /** While the operator's config awaits the upstream's confirmation (then let go). */
  #init: PendingInit | undefined;
  #expired = false;
  #activeResponse = false;
  #queuedResponse: { params: ResponseCreateParams | undefined } | undefined;
  #relayResponseEventId: string | undefined;

  constructor({ session, hooks, pipe, limits, settings, charges, tools, audioInFrames, sessionType }: UpstreamFramesInit) {
    this.sessionType = sessionType;
    this.#session = session;
    this.#hooks = hooks;
    this.#pipe = pipe;
    this.#limits = limits;
    this.#charges = charges;
    this.#tools = tools;
    this.#settings = settings;
    this.#audioInFrames = audioInFrames;
    const inspected = tools === undefined ? INSPECTED_TYPES : INSPECTED_TYPES_WITH_TOOLS;
    this.#inspected = !audioInFrames && charges.streams ? new Set([...inspected, ...MEDIA_TRACK_TYPES]) : inspected;
  }

  /** True once the upstream said `session_expired` (its close then ends the session normally). */
  get expired(): boolean {
    return this.#expired;
  }

  /** Sends the operator's session config; the client's `session.created` waits until it is in force. */
  configure(session: unknown): void {
    const init: PendingInit = { eventId: relayEventId(), timer: undefined, heldSessionCreated: undefined };
    this.#init = init;
    this.sendRelayEvent({ type: 'session.update', event_id: init.eventId, session } as ClientEventInput);
    // An upstream that never answers must not keep the client from its session.created.
    init.timer = this.#settings.clock.setTimeout(() => this.#onInitTimeout(), INIT_TIMEOUT_MS);
  }

  /** Stops waiting for the config (the session ended). */
  stop(): void {
    this.#endInit();
  }

  /**
   * Whether {@link handleAudioDelta} may take output audio deltas: not in a translation session
   * (its own events), and only where such a delta needs nothing but the general path's steps
   * for an uninspected activity type.
   */
  get takesAudioDeltas(): boolean {
    return !this.#settings.translation && !this.#inspected.has(OUTPUT_AUDIO_DELTA);
  }

  /**
   * Feeds one `response.output_audio.delta` whose `delta` holds `chars` characters (the session
   * recognised it with frame-scan.ts's `audioDeltaLength`): what {@link handle} does for it, without looking
   * its type up again.
   */
  handleAudioDelta(frame: RelayFrame, chars: number, startedAt: number): void {
    if (AUDIO_DELTA_IS_ACTIVITY) this.#limits?.touch();
    // Charged before it is forwarded: a client that leaves right after got only what was charged.
    if (this.#charges.streams) this.#charges.chargeOutputAudio(chars);
    this.#pipe.toClient(frame, startedAt);
  }

  /** Feeds one upstream frame (the session has not ended). */
  handle(frame: RelayFrame, type: string | undefined, startedAt: number): void {
    if (this.#settings.translation) {
      this.#handleTranslation(type, frame, startedAt);
      return;
    }
    if (type !== undefined && !this.#inspected.has(type)) {
      if (SESSION_ACTIVITY_EVENT_TYPES.has(type)) this.#limits?.touch();
      // Charged before it is forwarded: a client that leaves right after got only what was charged.
      if (this.#charges.streams) this.#charges.chargeStreamed(type, frame);
      this.#pipe.toClient(frame, startedAt);
      return;
    }
    this.#handleParsed(frame, startedAt);
  }

  #handleParsed(frame: RelayFrame, startedAt: number): void {
    const result = parseServerEvent(frame);
    if (!result.ok) {
      // The upstream is the authority on its own protocol: pass the frame on, the client decides.
      this.#settings.logger.debug('relay: upstream frame did not parse; forwarded as is', { sessionId: this.#session.id, error: result.error.message });
      this.#pipe.toClient(frame, startedAt);
      return;
    }
    const event = result.event as Json;
    const type = event.type as string;
    if (SESSION_ACTIVITY_EVENT_TYPES.has(type)) this.#limits?.touch();

    switch (type) {
      case 'error':
        if (this.#onUpstreamError(event)) return;
        break;
      case 'session.created':
        this.#charges.trackFormats(event.session);
        this.#trackSessionType(event.session);
        if (this.#init !== undefined) {
          this.#init.heldSessionCreated = event;
          return;
        }
        break;
      case 'session.updated':
        this.#charges.trackFormats(event.session);
        this.#trackSessionType(event.session);
        if (this.#releaseHeldSessionCreated(event, startedAt)) return;
        break;
      case 'response.created':
        this.#activeResponse = true;
        break;
      case 'input_audio_buffer.speech_started':
      case 'input_audio_buffer.speech_stopped':
      case 'output_audio_buffer.started':
      case 'output_audio_buffer.stopped':
      case 'output_audio_buffer.cleared':
        if (!this.#audioInFrames) this.#charges.chargeMediaEvent(type, event);
        break;
      case 'response.done':
        this.#activeResponse = false;
        this.#onResponseDone(event);
        break;
      case 'conversation.item.input_audio_transcription.completed':
        if (typeof event.item_id === 'string' && typeof event.transcript === 'string') this.#hooks.onTranscript(this.#session, 'user', event.item_id, event.transcript);
        break;
      case 'response.output_audio_transcript.done':
        if (typeof event.item_id === 'string' && typeof event.transcript === 'string') this.#hooks.onTranscript(this.#session, 'assistant', event.item_id, event.transcript);
        break;
      case 'response.output_text.done':
        if (typeof event.item_id === 'string' && typeof event.text === 'string') this.#hooks.onTranscript(this.#session, 'assistant', event.item_id, event.text);
        break;
      default:
    }
    if (this.#session.ended) return;
    this.#forwardEvent(type, event, startedAt, frame);
    if (type === 'response.done' && this.#queuedResponse !== undefined && !this.#activeResponse) {
      const queued = this.#queuedResponse;
      this.#queuedResponse = undefined;
      this.requestRelayResponse(queued.params);
    }
  }

  /**
   * The operator's config is in force (`session.updated` answering the relay's own update): the
   * client sees one `session.created` that already carries it. False when nothing was held.
   */
  #releaseHeldSessionCreated(event: Json, startedAt: number): boolean {
    if (this.#init === undefined) return false;
    const held = this.#endInit();
    if (held !== undefined) this.#forwardEvent('session.created', { ...held, session: event.session }, startedAt);
    return true;
  }

  /** A translation session's upstream frame: deltas pass at once (audio charged), the rest as in a conversation. */
  #handleTranslation(type: string | undefined, frame: RelayFrame, startedAt: number): void {
    if (type !== undefined && TRANSLATION_DELTAS.has(type)) {
      this.#limits?.touch();
      if (this.#charges.streams && type === TRANSLATION_AUDIO_DELTA) this.#charges.chargeStreamed(OUTPUT_AUDIO_DELTA, frame);
      this.#pipe.toClient(frame, startedAt);
      return;
    }
    const result = parseTranslationServerEvent(frame);
    if (result.ok && result.known) {
      const event = result.event as Json;
      if (event.type === 'error' && this.#onUpstreamError(event)) return;
      if (event.type === 'session.created' && this.#init !== undefined) {
        this.#init.heldSessionCreated = event;
        return;
      }
      if (event.type === 'session.updated' && this.#releaseHeldSessionCreated(event, startedAt)) return;
    }
    this.#pipe.toClient(frame, startedAt);
  }

  /** Sends an upstream event to the client after the tool filter; `original` is sent when unchanged. */
  #forwardEvent(type: string, event: Json, startedAt: number, original?: RelayFrame): void {
    const decision = this.#tools?.filter(type, event) ?? 'forward';
    if (decision === 'hide') return;
    if (decision === 'forward') {
      this.#pipe.toClient(original ?? JSON.stringify(event), startedAt);
      return;
    }
    this.#pipe.toClient(JSON.stringify(decision.rewritten), startedAt);
  }

  /** Handles an upstream `error`; returns true when it must not reach the client. */
  #onUpstreamError(event: Json): boolean {
    const error = isRecord(event.error) ? event.error : {};
    if (error.code === 'session_expired') this.#expired = true;
    if (isServerKeyError(error)) {
      this.#settings.logger.error("relay: the upstream refused the relay's own API key or account; the client was closed with 4005 (fix the key or the quota)", { sessionId: this.#session.id, error });
      this.#pipe.sendToClient(relayErrorFrame('VOXWIRE_UPSTREAM_ERROR', 'the relay cannot use the Realtime API right now (its own credentials or quota were refused); this is not your fault, and reconnecting will not help until the operator fixes it'));
      this.#session.end('upstream_failed', { code: CLOSE_CODES.relayMisconfigured, message: 'relay misconfigured' });
      return true;
    }
    const about = typeof error.event_id === 'string' ? error.event_id : undefined;
    if (about === undefined || !about.startsWith(RELAY_EVENT_ID_PREFIX)) return false;
    const message = typeof error.message === 'string' ? error.message : 'unknown error';
    if (about === this.#init?.eventId) {
      this.#endInit();
      this.#settings.logger.error("relay: the upstream refused the operator's session config (policy.session / serverTools)", { sessionId: this.#session.id, error: message });
      this.#pipe.sendToClient(relayErrorFrame('VOXWIRE_UPSTREAM_ERROR', `the relay could not configure the session: ${message}`));
      this.#session.end('policy_violation', { message: 'relay session config refused upstream' });
      return true;
    }
    if (about === this.#relayResponseEventId) this.#activeResponse = false;
    // An answer to the relay's own event (a tool output, a follow-up response): not the client's business.
    this.#settings.logger.warn('relay: the upstream refused an event the relay sent', { sessionId: this.#session.id, error: message });
    return true;
  }

  #onResponseDone(event: Json): void {
    const response = isRecord(event.response) ? event.response : undefined;
    const usage = (isRecord(response?.usage) ? response.usage : undefined) as Usage | undefined;
    const charged = this.#charges.chargeResponse(usage);
    const responseId = typeof response?.id === 'string' ? response.id : undefined;
    this.#hooks.onUsage(this.#session, responseId, usage ?? null, charged);
  }

  #trackSessionType(session: unknown): void {
    const type = isRecord(session) ? session.type : undefined;
    if (type === 'realtime' || type === 'transcription') this.sessionType = type;
  }

  #onInitTimeout(): void {
    if (this.#init === undefined || this.#session.ended) return;
    const held = this.#endInit();
    this.#settings.logger.warn("relay: the upstream did not confirm the operator's session config in time; the session goes on", { sessionId: this.#session.id });
    if (held !== undefined) this.#forwardEvent('session.created', held, now());
  }

  /** Sends an event the relay originates upstream (tool outputs, follow-ups, the session config). */
  sendRelayEvent(event: ClientEventInput): boolean {
    if (this.#session.ended) return false;
    const withId = event.event_id === undefined ? { ...event, event_id: relayEventId() } : event;
    this.#pipe.upstream.send(JSON.stringify(withId));
    return true;
  }

  /** A follow-up response for server tools: sent now, or after the active response is done. */
  requestRelayResponse(params: ResponseCreateParams | undefined): void {
    if (this.#activeResponse) {
      this.#queuedResponse = { params };
      return;
    }
    // Counted as active from now on, so a second follow-up waits for this one's response.done.
    this.#activeResponse = true;
    this.#relayResponseEventId = relayEventId();
    const event_id = this.#relayResponseEventId;
    this.sendRelayEvent(params === undefined ? { type: 'response.create', event_id } : { type: 'response.create', event_id, response: params });
  }

  /**
   * Stops waiting for the config: its timer cleared and everything let go (a cleared handle
   * still holds its callback, and the session, until dropped). Returns the client's held
   * `session.created`, if one came.
   */
  #endInit(): Json | undefined {
    const init = this.#init;
    if (init === undefined) return undefined;
    this.#init = undefined;
    this.#settings.clock.clearTimeout(init.timer);
    return init.heldSessionCreated;
  }
}
