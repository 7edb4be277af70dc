/**
 * Phone calls on the Realtime API over SIP. A SIP trunk sends the call to OpenAI; OpenAI posts
 * a `realtime.call.incoming` webhook (and, for GPT-Live, `live.transport.incoming` for the same
 * pending call) to the app; the app accepts it with a session config, rejects it with a SIP
 * status, transfers it (`refer`) or hangs up. This handler verifies the webhook (Standard
 * Webhooks signature, replay window, duplicate deliveries ignored by `webhook-id`), makes sure
 * only one handler acts on a call even when both APIs' webhooks fire for it, and on accept
 * locks the session with the relay's policy and joins the call through a sideband
 * (`wss://.../v1/realtime?call_id=`) on which the relay's session runs: server-side tools,
 * time limit (the call is hung up), budgets, concurrency, metrics, DTMF digits.
 */
import { DEFAULT_MODEL, DEFAULT_SIP_REJECT_STATUS, DEFAULT_WEBHOOK_TOLERANCE_SECONDS } from '../../base/defaults';
import { EventEmitter } from '../../base/emitter';
import { RealtimeError, messageOf } from '../../base/errors';
import type { SessionConfigInput } from '../../events/session-input';
import { consoleLogger, type Logger } from '../../base/logger';
import type { ApiKeyProvider } from '../../transport/transport';
import { browserSession, jsonError } from '../http/browser-request';
import type { BudgetStore } from '../stores/budget-store';
import { MemoryBudgetStore } from '../stores/memory-budget-store';
import { resolveBrowserPolicy } from '../http/browser-request';
import type { RelayCore } from '../core/relay-core';
import type { RelaySession } from '../core/relay-session';
import type { RelayIdentity } from '../core/relay-options';
import type { RelayFrame } from '../core/socket';
import { openSideband, type Sideband, type SidebandOptions } from '../http/sideband';
import type { UpstreamSocketFactory } from '../upstream';
import { postCallAction, type CallApi, type CallControlOptions } from '../http/call-actions';
import { acceptCall, admitCall, type RingingCall } from './call-control';
import { acceptLiveSipCall } from './live-sip-call';
import type { LiveSideband } from '../http/live-sideband';
import { verifyWebhook } from './webhook-signature';
import { isRecord } from '../../base/is-record';

/** One header of the SIP INVITE. The caller's side wrote it: never trust it for authorization. */
export interface UntrustedSipHeader {
  /** The header's name, as sent. */
  readonly name: string;
  /** Its value, as sent. */
  readonly value: string;
}

/** A DTMF digit the caller pressed (`input_audio_buffer.dtmf_event_received`). */
export interface SipDtmfInfo {
  /** The key: `0`-`9`, `*`, `#`, `A`-`D`. */
  digit: string;
  /** When the API received it, Unix seconds. */
  receivedAt: number | undefined;
}

/** @deprecated Renamed {@link SipDtmfInfo} (the payload of an SDK event ends in `Info`); this alias goes in the next minor release. */
export type SipDtmf = SipDtmfInfo;

/** Events of an {@link IncomingSipCall}. */
export interface IncomingSipCallEvents {
  /** The caller pressed a key (after `accept`, with a relay: seen through the sideband). */
  dtmf: [dtmf: SipDtmfInfo];
  /** The call's session ended (hangup by either side, time limit, budget, policy). */
  ended: [];
}

/** What {@link IncomingSipCall.accept} takes. */
export interface SipAcceptOptions<Identity extends RelayIdentity = RelayIdentity> {
  /**
   * The session the call runs with. With a relay, its locked fields, voices and token cap
   * apply over this (the relay's `authenticate` does not run: the webhook's signature already
   * proved the call is OpenAI's). For a GPT-Live call this is the Live `session` object, passed
   * through.
   * @default {} (the relay's locked session, or the API's defaults)
   */
  session?: SessionConfigInput | Record<string, unknown>;
  /**
   * Who the call is charged to: budgets and concurrency count per `userId`.
   * @default the handler's `identify(call)`
   */
  identity?: Identity;
}

/** An accepted call. */
export interface AcceptedSipCall<Identity extends RelayIdentity = RelayIdentity> {
  /** The call id. */
  readonly callId: string;
  /** The session the call was accepted with (the policy applied). */
  readonly session: Record<string, unknown>;
  /** The sideband that runs the relay's session on a Realtime call, when the handler has a relay. */
  readonly sideband: Sideband<Identity> | undefined;
  /**
   * The sideband beside a GPT-Live call, when the handler has a relay: the relay's session runs
   * on it (its server tools, limits, drain, metrics) and hangs the call up when it ends.
   */
  readonly liveSideband?: LiveSideband | undefined;
  /** The relay session of a GPT-Live call, when the handler has a relay (also in `relay.sessions()`; `relay.endSession(id)` hangs the call up). */
  readonly liveSession?: RelaySession<Identity> | undefined;
  /** The seconds a GPT-Live call may last (its time limit, or what the budget pays for); undefined for no limit. */
  readonly limitSeconds?: number | undefined;
}

/** Options of {@link createSipCallHandler}. */
export interface SipCallHandlerOptions<Identity extends RelayIdentity = RelayIdentity> extends CallControlOptions {
  /** The webhook endpoint's signing secret (`whsec_...`), or several while rotating. */
  webhookSecret: string | readonly string[];
  /** Called with every verified incoming call this handler acts on: accept, reject, refer or leave it. */
  onCall: (call: IncomingSipCall<Identity>) => void | Promise<void>;
  /**
   * The relay core whose policy (locked session, voices, token cap, server tools), limits,
   * budgets, concurrency and metrics apply to accepted Realtime calls, through a sideband (or,
   * when it speaks GPT-Live, to Live calls: see `liveRelay`).
   * @default undefined (calls are accepted as asked, without a sideband)
   */
  relay?: RelayCore<Identity>;
  /** Opens the socket of a GPT-Live call's sideband (Workers, proxies). @default the `ws` package in Node, else the global WebSocket */
  liveSidebandSocket?: UpstreamSocketFactory;
  /**
   * The relay whose Live policy (`live.session`, voices, server tools), limits, budgets and
   * concurrency apply to accepted GPT-Live calls (a RelayCore with `live` set: one relay speaks
   * one API). Without one, a Live call is accepted as asked and nothing watches it.
   * @default `relay`, when it speaks Live
   */
  liveRelay?: RelayCore<Identity>;
  /** Sideband settings (`url`, `createWebSocket`, `maxCorrections`). @default {} */
  sideband?: Omit<SidebandOptions<Identity>, 'relay' | 'apiKey' | 'baseUrl' | 'fetch' | 'authHeaders' | 'onServerFrame'>;
  /**
   * The identity a call is charged to when `accept` is given none. The headers are the
   * caller's: a `From` number is fine as a budget bucket, not as proof of who calls.
   * @default `{ userId: 'sip:' + the From header's URI (or the call id) }`
   */
  identify?: (call: IncomingSipCall<Identity>) => Identity | Promise<Identity>;
  /**
   * The webhook types this handler acts on. When the same pending call is offered on both
   * APIs, the first webhook to arrive wins and the other is acknowledged and ignored.
   * @default ['realtime']
   */
  apis?: readonly CallApi[];
  /** Verified webhooks of other types (`realtime.call.ended`...), acknowledged after this returns. @default undefined */
  onWebhook?: (event: Record<string, unknown>) => void | Promise<void>;
  /** The model of accepted Realtime calls. @default the relay's model, else 'gpt-realtime-2.1' */
  model?: string;
  /** The replay window, in seconds. @default 300 */
  toleranceSeconds?: number;
  /**
   * Where delivery ids and call claims are remembered, so retries and the second API's webhook
   * are ignored across nodes (share the relay's Redis store).
   * @default the relay's store, else a new MemoryBudgetStore
   */
  store?: BudgetStore;
  /** The clock, ms since the epoch (tests). @default Date.now */
  now?: () => number;
  /** @default the relay's logger, else console */
  logger?: Logger;
}

const MAX_WEBHOOK_BYTES = 1024 * 1024;
const INCOMING_TYPES: Readonly<Record<string, CallApi>> = {
  'realtime.call.incoming': 'realtime',
  'live.transport.incoming': 'live',
  // Deprecated name of `live.transport.incoming`, kept by existing subscriptions (openai 7.60.0).
  'live.call.incoming': 'live',
};

type Json = Record<string, unknown>;

/** `sip:+15551234567@host` from `"Ann" <sip:+15551234567@host>;tag=1`. */
function uriOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const bracketed = /<([^>]*)>/.exec(value);
  const uri = (bracketed?.[1] ?? value.split(';')[0] ?? '').trim();
  return uri === '' ? undefined : uri;
}

/** The digit of an `input_audio_buffer.dtmf_event_received` frame (its `event` field), if well formed. */
function dtmfOf(frame: RelayFrame): SipDtmfInfo | undefined {
  try {
    const parsed = JSON.parse(typeof frame === 'string' ? frame : new TextDecoder().decode(frame)) as { event?: unknown; received_at?: unknown };
    if (typeof parsed.event !== 'string') return undefined;
    return { digit: parsed.event, receivedAt: typeof parsed.received_at === 'number' ? parsed.received_at : undefined };
  } catch {
    return undefined;
  }
}

/**
 * An incoming call, as the verified webhook offered it. Accept, reject, refer or hang up with
 * the server's key. The SIP headers come from the caller's side and are marked untrusted.
 */
export class IncomingSipCall<Identity extends RelayIdentity = RelayIdentity> extends EventEmitter<IncomingSipCallEvents> {
  /** The API the call was offered on. */
  readonly api: CallApi;
  /** `rtc_...` (Realtime) or `live_...` (GPT-Live): the id every action takes. */
  readonly callId: string;
  /** The webhook's `webhook-id`. */
  readonly webhookId: string;
  /** The whole webhook event, unknown fields included. */
  readonly event: Json;
  /** The INVITE's headers (authorization headers removed by the API), in order: untrusted. */
  readonly untrustedSipHeaders: readonly UntrustedSipHeader[];
  /** `rtp` or `srtp` (or a newer value) when the API knows it. */
  readonly mediaSecurity: string | undefined;
  #state: 'ringing' | 'accepted' | 'rejected' | 'ended' = 'ringing';
  #accepted: AcceptedSipCall<Identity> | undefined;
  readonly #handler: SipHandlerInternals<Identity>;

  /** @internal Made by the handler. */
  constructor(handler: SipHandlerInternals<Identity>, api: CallApi, callId: string, webhookId: string, event: Json) {
    super();
    this.#handler = handler;
    this.api = api;
    this.callId = callId;
    this.webhookId = webhookId;
    this.event = event;
    const data = isRecord(event.data) ? event.data : {};
    this.untrustedSipHeaders = (Array.isArray(data.sip_headers) ? data.sip_headers : [])
      .filter((entry): entry is { name: string; value: string } => isRecord(entry) && typeof entry.name === 'string' && typeof entry.value === 'string')
      .map((entry) => Object.freeze({ name: entry.name, value: entry.value }));
    this.mediaSecurity = typeof data.sip_media_security === 'string' ? data.sip_media_security : undefined;
  }

  /** The first SIP header of that name (case-insensitive), untrusted. */
  untrustedHeader(name: string): string | undefined {
    const lower = name.toLowerCase();
    return this.untrustedSipHeaders.find((entry) => entry.name.toLowerCase() === lower)?.value;
  }

  /** The caller's URI from `From` (`sip:+15551234567@...`), untrusted. */
  get from(): string | undefined {
    return uriOf(this.untrustedHeader('From'));
  }

  /** The dialled URI from `To`, untrusted. */
  get to(): string | undefined {
    return uriOf(this.untrustedHeader('To'));
  }

  /** Where the call is: ringing until accepted or rejected; ended after hangup. */
  get state(): 'ringing' | 'accepted' | 'rejected' | 'ended' {
    return this.#state;
  }

  /** The accepted call (session, sideband), once accepted. */
  get accepted(): AcceptedSipCall<Identity> | undefined {
    return this.#accepted;
  }

  /**
   * Answers the call. With a relay: admission (budget, concurrency; refused calls are rejected
   * with 486 or 403 and this throws the relay's code), the policy applied to `session`, the
   * accept, then the sideband that enforces limits and runs server-side tools.
   *
   * @throws {RealtimeError} `VOXWIRE_BUDGET_EXHAUSTED`, `VOXWIRE_CONCURRENCY_LIMIT`,
   * `VOXWIRE_POLICY_VIOLATION`, `VOXWIRE_INVALID_SESSION_CONFIG`, `VOXWIRE_UPSTREAM_ERROR`.
   */
  async accept(options: SipAcceptOptions<Identity> = {}): Promise<AcceptedSipCall<Identity>> {
    if (this.#state !== 'ringing') throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `call ${this.callId} is already ${this.#state}`);
    this.#state = 'accepted';
    try {
      this.#accepted = await this.#handler.accept(this, options);
      return this.#accepted;
    } catch (error) {
      if (this.#state === 'accepted') this.#state = 'ringing';
      throw error;
    }
  }

  /** Declines the call with a SIP status (3xx-6xx). @default status 603 Decline */
  async reject(statusCode: number = DEFAULT_SIP_REJECT_STATUS): Promise<void> {
    if (!Number.isInteger(statusCode) || statusCode < 300 || statusCode > 699) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `reject: the SIP status must be an integer from 300 to 699, got ${String(statusCode)}`, { path: 'statusCode' });
    }
    if (this.#state !== 'ringing') throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `call ${this.callId} is already ${this.#state}`);
    this.#state = 'rejected';
    await this.#handler.action(this, 'reject', { status_code: statusCode });
  }

  /** Transfers the call (SIP REFER) to `targetUri` (`tel:+14155550123`, `sip:agent@example.com`). */
  async refer(targetUri: string): Promise<void> {
    if (typeof targetUri !== 'string' || targetUri.trim() === '') throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'refer: the target URI must be a non-empty string such as tel:+14155550123', { path: 'targetUri' });
    await this.#handler.action(this, 'refer', { target_uri: targetUri });
  }

  /** Hangs up (and ends the relay session, when there is one). */
  async hangup(): Promise<void> {
    if (this.#state === 'ended') return;
    const sideband = this.#accepted?.sideband;
    const live = this.#accepted?.liveSession;
    if (sideband) await sideband.hangup();
    else if (live !== undefined && !live.ended) {
      // The relay session's end hangs the call up (`/hangup`); `ended` resolves once it did.
      live.end('ended_by_operator');
      await this.#accepted?.liveSideband?.ended;
    } else await this.#handler.action(this, 'hangup', undefined);
    this.markEnded();
  }

  /** @internal */
  markEnded(): void {
    if (this.#state === 'ended') return;
    this.#state = 'ended';
    this.emit('ended');
  }
}

interface SipHandlerInternals<Identity extends RelayIdentity> {
  accept(call: IncomingSipCall<Identity>, options: SipAcceptOptions<Identity>): Promise<AcceptedSipCall<Identity>>;
  action(call: IncomingSipCall<Identity>, action: 'reject' | 'refer' | 'hangup', body: unknown): Promise<void>;
}

/**
 * A Web-standard handler (`(Request) => Promise<Response>`) for OpenAI's incoming-call
 * webhooks. Mount it at the URL set in the project's webhook settings. It answers 400 to a
 * delivery that fails verification (nothing else happens), 200 to a duplicate or to a call
 * another handler took, and 200 after `onCall` returned.
 *
 * @example
 * ```ts
 * const relay = new RelayCore({ model: 'gpt-realtime-2.1', authenticate: () => null, serverTools: [lookupOrder], limits: { maxDurationMs: 10 * 60_000 } });
 * export const POST = createSipCallHandler({
 *   apiKey: process.env.OPENAI_API_KEY!,
 *   webhookSecret: process.env.OPENAI_WEBHOOK_SECRET!,
 *   relay,
 *   onCall: async (call) => {
 *     if (call.from === undefined) return call.reject(403);
 *     const accepted = await call.accept({ session: { instructions: 'You answer the ACME support line.' } });
 *     call.on('dtmf', ({ digit }) => console.log('pressed', digit));
 *   },
 * });
 * ```
 */
export function createSipCallHandler<Identity extends RelayIdentity = RelayIdentity>(options: SipCallHandlerOptions<Identity>): (request: Request) => Promise<Response> {
  if (typeof options?.onCall !== 'function') throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'createSipCallHandler: `onCall` must be a function.', { path: 'onCall' });
  const secrets = typeof options.webhookSecret === 'string' ? [options.webhookSecret] : [...(options.webhookSecret ?? [])];
  if (secrets.length === 0 || secrets.some((secret) => typeof secret !== 'string' || secret === '')) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'createSipCallHandler: `webhookSecret` must be the whsec_... secret of the webhook endpoint.', { path: 'webhookSecret' });
  }
  const relay = options.relay;
  // One relay speaks one API: Live calls go to `liveRelay`, or to `relay` when that one speaks Live.
  const liveRelay = options.liveRelay ?? (relay?.settings.live !== undefined ? relay : undefined);
  const logger = options.logger ?? relay?.settings.logger ?? liveRelay?.settings.logger ?? consoleLogger;
  const store = options.store ?? relay?.settings.store ?? liveRelay?.settings.store ?? new MemoryBudgetStore();
  const apis = new Set<CallApi>(options.apis ?? ['realtime']);
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
  // Kept past the replay window: a delivery older than that is refused by its timestamp anyway.
  const claimTtlMs = 2 * toleranceSeconds * 1000 + 60_000;
  const control: CallControlOptions = {
    apiKey: options.apiKey,
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.authHeaders === undefined ? {} : { authHeaders: options.authHeaders }),
  };
  const identify = options.identify ?? ((call: IncomingSipCall<Identity>) => ({ userId: `sip:${call.from ?? call.callId}` }) as Identity);

  /** True for the first claim of `key` (atomic in the store, so across nodes too). */
  const claim = async (key: string): Promise<boolean> => (await store.charge(key, 1, claimTtlMs)) === 1;

  const internals: SipHandlerInternals<Identity> = {
    action: async (call, action, body) => {
      await postCallAction(control, call.api, call.callId, action, body);
    },
    accept: async (call, acceptOptions) => {
      const identity = acceptOptions.identity ?? (await identify(call));
      if (call.api === 'live') {
        // GPT-Live: a Live session under a relay that speaks Live, and a Live sideband (`/attach`) for its tools and limits.
        if (relay !== undefined && liveRelay === undefined) {
          throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `call ${call.callId} is a GPT-Live call, and this handler's relay speaks the Realtime API: pass \`liveRelay\` (a RelayCore with \`live\` set) to govern Live calls`, { path: 'liveRelay' });
        }
        const live = await acceptLiveSipCall({ control, relay: liveRelay, logger, createSocket: options.liveSidebandSocket }, call.callId, (acceptOptions.session ?? {}) as Json, identity, {
          dtmf: (digit) => call.emit('dtmf', { digit, receivedAt: undefined }),
          ended: () => call.markEnded(),
        });
        return { callId: call.callId, session: live.session, sideband: undefined, liveSideband: live.sideband, liveSession: live.sideband?.session, limitSeconds: live.limitSeconds };
      }
      if (relay?.settings.live !== undefined) {
        throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `call ${call.callId} is a Realtime call, and this handler's relay speaks GPT-Live: give Realtime calls a Realtime relay (\`relay\`) and Live calls \`liveRelay\``, { path: 'relay' });
      }
      const ringing: RingingCall = { control, api: 'realtime', callId: call.callId, logger };
      const ticket = relay ? await admitCall(relay, identity, ringing) : undefined;
      const policy = ticket ? ticket.policy : resolveBrowserPolicy({}, identity, logger);
      const giveBack = (): void => {
        if (ticket) relay?.abandon(ticket);
      };
      const decided = browserSession(policy, acceptOptions.session ?? {}, options.model ?? relay?.settings.model ?? DEFAULT_MODEL, 'realtime');
      if (!decided.ok) {
        giveBack();
        throw new RealtimeError(decided.code, `call ${call.callId}: ${decided.message}`, decided.param === undefined ? {} : { path: decided.param });
      }
      const session = decided.session as unknown as Json;
      try {
        await acceptCall(ringing, session);
      } catch (error) {
        giveBack();
        throw error;
      }
      let sideband: Sideband<Identity> | undefined;
      if (relay && ticket) {
        try {
          sideband = await openSideband(
            {
              ...options.sideband,
              relay,
              apiKey: options.apiKey,
              ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
              ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
              ...(options.authHeaders === undefined ? {} : { authHeaders: options.authHeaders }),
              onServerFrame: (type, frame) => {
                if (type !== 'input_audio_buffer.dtmf_event_received') return;
                const dtmf = dtmfOf(frame);
                if (dtmf !== undefined) call.emit('dtmf', dtmf);
              },
            },
            { ...ticket, sessionType: 'realtime' },
            call.callId,
          );
        } catch (error) {
          // Without its sideband the call would run outside the policy and limits: end it.
          logger.error('sip: the sideband could not join the call; hanging it up', { callId: call.callId, error: messageOf(error) });
          await postCallAction(control, 'realtime', call.callId, 'hangup').catch(() => undefined);
          throw new RealtimeError('VOXWIRE_UPSTREAM_ERROR', `call ${call.callId}: the sideband could not join the call, so it was hung up: ${messageOf(error)}`, { cause: error });
        }
        const opened = sideband;
        const onEnded = (ref: { sessionId: string }): void => {
          if (ref.sessionId !== opened.session.id) return;
          relay.off('sessionEnded', onEnded);
          call.markEnded();
        };
        relay.on('sessionEnded', onEnded);
        if (opened.session.ended) onEnded({ sessionId: opened.session.id });
      }
      return { callId: call.callId, session, sideband };
    },
  };

  return async (request) => {
    if (request.method !== 'POST') return jsonError(405, 'VOXWIRE_INVALID_ARGUMENT', 'webhooks are POSTed', { allow: 'POST' });
    const declared = Number(request.headers.get('content-length') ?? '0');
    if (declared > MAX_WEBHOOK_BYTES) return jsonError(413, 'VOXWIRE_INVALID_ARGUMENT', `the webhook body exceeds ${MAX_WEBHOOK_BYTES} bytes`);
    const body = await request.text().catch(() => undefined);
    if (body === undefined) return jsonError(400, 'VOXWIRE_WEBHOOK_INVALID', 'the body could not be read');
    if (body.length > MAX_WEBHOOK_BYTES) return jsonError(413, 'VOXWIRE_INVALID_ARGUMENT', `the webhook body exceeds ${MAX_WEBHOOK_BYTES} bytes`);
    let webhookId: string;
    try {
      ({ id: webhookId } = await verifyWebhook(body, request.headers, { secret: secrets, toleranceSeconds, ...(options.now ? { now: options.now } : {}) }));
    } catch (error) {
      const code = error instanceof RealtimeError ? error.code : 'VOXWIRE_WEBHOOK_INVALID';
      logger.warn('sip: a webhook delivery failed verification and was refused', { error: messageOf(error) });
      return jsonError(code === 'VOXWIRE_WEBHOOK_INVALID' ? 400 : 500, code, messageOf(error));
    }
    let event: unknown;
    try {
      event = JSON.parse(body);
    } catch {
      return jsonError(400, 'VOXWIRE_INVALID_JSON', 'the webhook body is not JSON');
    }
    if (!isRecord(event)) return jsonError(400, 'VOXWIRE_INVALID_JSON', 'the webhook body is not a JSON object');
    const ok = (status: string): Response => new Response(JSON.stringify({ status }), { status: 200, headers: { 'content-type': 'application/json' } });
    try {
      // A retry repeats its webhook-id: acted on once. (A store outage answers 500: OpenAI retries.)
      if (!(await claim(`voxwire:webhook:${webhookId}`))) return ok('duplicate');
    } catch (error) {
      logger.error('sip: the store could not record the delivery; asking for a retry', { error: messageOf(error) });
      return jsonError(503, 'VOXWIRE_UPSTREAM_ERROR', 'store unavailable');
    }
    const api = typeof event.type === 'string' ? INCOMING_TYPES[event.type] : undefined;
    const data = isRecord(event.data) ? event.data : {};
    const callId = api === 'live' ? data.session_id : data.call_id;
    if (api === undefined || typeof callId !== 'string' || callId === '') {
      try {
        await options.onWebhook?.(event);
      } catch (error) {
        logger.warn('sip: onWebhook threw', { type: String(event.type), error: messageOf(error) });
      }
      return ok('ignored');
    }
    if (!apis.has(api)) return ok('ignored');
    const call = new IncomingSipCall<Identity>(internals, api, callId, webhookId, event);
    // One pending SIP call is offered on both APIs under two ids; the INVITE's Call-ID is the same.
    const sipCallId = call.untrustedHeader('Call-ID');
    const claimKey = `voxwire:sip-call:${sipCallId ?? callId}`;
    if (!(await claim(claimKey).catch(() => true))) {
      logger.info('sip: the call was offered again (the other API, or another node); another handler acts on it', { callId, sipCallId });
      return ok('claimed');
    }
    try {
      await options.onCall(call);
    } catch (error) {
      logger.error('sip: onCall threw', { callId, error: messageOf(error) });
    }
    return ok('handled');
  };
}
