/**
 * The SIP side of the mock Realtime API: it "places a call" (posts a signed
 * `realtime.call.incoming` webhook to the app, and `live.transport.incoming` for the same
 * INVITE when asked) and answers the calls endpoints the app uses on it:
 * `POST /v1/realtime/calls/{call_id}/accept` (the session, validated strictly as the API does),
 * `/reject` (`status_code`, 603 when omitted), `/refer` (`target_uri`) and `/hangup`. Webhooks
 * are signed the Standard Webhooks way (`webhook-delivery.ts`).
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../base/clock';
import { DEFAULT_MODEL } from '../../base/defaults';
import { parseClientEvent } from '../../events/parse';
import { validationError } from './errors';
import type { MockSession } from './session';
import type { MockSessionLink } from './session-link';
import type { MockSessionDefaults } from './session-config';
import { MockSipCall } from './sip-call';
import type { MockCallSession, SidebandSink } from './webrtc-call';
import { deliverWebhook, randomToken, type MockWebhookDelivery, type MockWebhookTarget } from './webhook-delivery';
import { answerError, bearerOf, HttpError, readJson } from './http-request';

export type { MockWebhookDelivery } from './webhook-delivery';

/** What the endpoint needs from the server it is mounted on. */
export interface MockSipEndpointHost {
  clock: Clock;
  /** True when a standard key may use the API (the server's `auth`). */
  checkKey(key: string | undefined): Promise<boolean>;
  /** Starts a session over a link (the server's `attach`). */
  attach(link: MockSessionLink, request: { url: string; model: string; callId: string; headers: Record<string, string | string[] | undefined>; session?: MockSessionDefaults }): MockSession;
}

/** Options of {@link MockSipEndpoint.placeCall}. */
export interface MockPlaceCallOptions extends MockWebhookTarget {
  /** The caller's `From` header. @default '"Test Caller" <sip:+15550100@example.com>;tag=mock' */
  from?: string;
  /** The `To` header. @default '<sip:+15550199@sip.api.openai.com>' */
  to?: string;
  /** More INVITE headers, after From, To and Call-ID. @default [] */
  sipHeaders?: ReadonlyArray<{
    /** Header name. */
    name: string;
    /** Header value. */
    value: string;
  }>;
  /**
   * Also offer the call on GPT-Live (`live.transport.incoming`, another id, the same INVITE),
   * as the API does for projects with both: only one handler may act on it.
   * @default false
   */
  alsoLive?: boolean;
}

const CALL_PATH = /^\/v1\/realtime\/calls\/([^/]+)\/(accept|reject|refer|hangup)$/;

/** The INVITE's headers a placed call's webhook carries: From, To, a fresh Call-ID, then the extra ones. */
export function inviteHeaders(options: Pick<MockPlaceCallOptions, 'from' | 'to' | 'sipHeaders'>): Array<{ name: string; value: string }> {
  return [
    { name: 'From', value: options.from ?? '"Test Caller" <sip:+15550100@example.com>;tag=mock' },
    { name: 'To', value: options.to ?? '<sip:+15550199@sip.api.openai.com>' },
    { name: 'Call-ID', value: `${randomToken(16)}@mock.invalid` },
    ...(options.sipHeaders ?? []),
  ];
}

/** How {@link answerCallAction} finds a call and checks what it is sent. */
export interface CallActionHost<Session extends MockCallSession> {
  /** True when a standard key may use the API. */
  checkKey(key: string | undefined): Promise<boolean> | boolean;
  /** The call the path names, if any. */
  find(): MockSipCall<Session> | undefined;
  /** The error for a call that does not exist or has ended. */
  notFound(): HttpError;
  /** The session of an accept body, validated as the API does (throws an HttpError). */
  validateAccept(body: Record<string, unknown>): Record<string, unknown>;
}

/**
 * Answers one calls-endpoint request (`accept`, `reject`, `refer`, `hangup`) on a SIP call, as
 * the API does: a standard key, a JSON body, the call's state checked, the action done.
 */
export function answerCallAction<Session extends MockCallSession>(request: IncomingMessage, response: ServerResponse, path: string, action: string, host: CallActionHost<Session>): void {
  const answer = async (): Promise<void> => {
    if (request.method !== 'POST') throw new HttpError(405, `Use POST for ${path}.`, 'method_not_allowed');
    const key = bearerOf(request);
    if (key?.startsWith('ek_') || !(await host.checkKey(key))) throw new HttpError(401, key === undefined ? "You didn't provide an API key." : 'Incorrect API key provided.', 'invalid_api_key');
    const body = await readJson(request);
    const call = host.find();
    if (!call || call.state === 'ended' || call.state === 'rejected') throw host.notFound();
    if (action === 'accept') {
      if (call.state !== 'ringing') throw new HttpError(400, 'The call was already accepted.', 'call_already_accepted');
      call.accept(host.validateAccept(body));
    } else if (action === 'reject') {
      if (call.state !== 'ringing') throw new HttpError(400, 'Only a ringing call can be rejected.', 'call_not_ringing');
      const status = body.status_code ?? 603;
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 300 || status > 699) throw new HttpError(400, "Invalid 'status_code': a SIP status from 300 to 699.", 'invalid_value', 'status_code');
      call.reject(status);
    } else if (action === 'refer') {
      if (call.state !== 'accepted') throw new HttpError(400, 'Only an active call can be transferred.', 'call_not_active');
      if (typeof body.target_uri !== 'string' || body.target_uri.trim() === '') throw new HttpError(400, "Missing required parameter: 'target_uri'.", 'missing_required_parameter', 'target_uri');
      call.referTarget = body.target_uri;
      call.end();
    } else {
      call.end();
    }
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end('{}');
  };
  answer().catch((error: unknown) => answerError(response, error));
}

/** The mock's SIP calls. The server routes `/v1/realtime/calls/{id}/...` requests here first. */
export class MockSipEndpoint {
  readonly #host: MockSipEndpointHost;
  readonly #calls = new Map<string, MockSipCall>();
  /** Every webhook delivery and the app's answer, in order. */
  readonly deliveries: MockWebhookDelivery[] = [];

  constructor(host: MockSipEndpointHost) {
    this.#host = host;
  }

  /** Calls not ended. */
  get calls(): MockSipCall[] {
    return [...this.#calls.values()].filter((call) => call.state !== 'ended' && call.state !== 'rejected');
  }

  /** A call by id (ringing or live). */
  call(callId: string): MockSipCall | undefined {
    return this.#calls.get(callId);
  }

  /**
   * Places a call: posts the signed webhook(s) to the app and returns the ringing call. Wait for
   * `call.waitFor('accepted')`, then `call.say(...)`.
   */
  async placeCall(options: MockPlaceCallOptions): Promise<MockSipCall> {
    const callId = `rtc_${randomToken(32)}`;
    const call = new MockSipCall({
      callId,
      clock: this.#host.clock,
      attach: (link, session) =>
        this.#host.attach(link, { url: '/v1/realtime/calls', model: typeof session.model === 'string' ? session.model : DEFAULT_MODEL, callId, headers: {}, session: session as MockSessionDefaults }),
      // The API's event has no event_id (the official example's shape).
      pressDigit: (session, digit) => session.send({ type: 'input_audio_buffer.dtmf_event_received', event: digit, received_at: Math.floor(this.#host.clock.now() / 1000) } as never),
      onEnded: () => undefined,
    });
    this.#calls.set(callId, call);
    const sipHeaders = inviteHeaders(options);
    const nowSeconds = Math.floor(this.#host.clock.now() / 1000);
    const events = [{ id: `evt_${randomToken(24)}`, object: 'event', type: 'realtime.call.incoming', created_at: nowSeconds, data: { call_id: callId, sip_headers: sipHeaders, sip_media_security: 'srtp' } }];
    if (options.alsoLive) {
      events.push({ id: `evt_${randomToken(24)}`, object: 'event', type: 'live.transport.incoming', created_at: nowSeconds, data: { session_id: `live_${randomToken(24)}`, sip_headers: sipHeaders, type: 'sip' } as never });
    }
    // Both offers go out at once, as the API fires them: the app must not act on both.
    await Promise.all(events.map((event) => this.deliver(options, event)));
    return call;
  }

  /** Posts one signed webhook `deliveries` times (the same webhook-id each time). */
  async deliver(options: MockWebhookTarget, event: Record<string, unknown>): Promise<void> {
    this.deliveries.push(...(await deliverWebhook(options, event, this.#host.clock)));
  }

  /** Joins a sideband to an accepted call; undefined for an unknown one. */
  joinSideband(callId: string, sink: SidebandSink): MockSipCall | undefined {
    const call = this.#calls.get(callId);
    if (!call || call.state !== 'accepted') return undefined;
    call.addSideband(sink);
    return call;
  }

  /** Ends every call (server stop). */
  close(): void {
    for (const call of this.#calls.values()) call.end();
    this.#calls.clear();
  }

  /** Handles a calls-endpoint request for a SIP call; returns false to let the server route it on. */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname.replace(/\/+$/, '');
    const match = CALL_PATH.exec(path);
    if (!match) return false;
    const callId = decodeURIComponent(match[1]!);
    const action = match[2]!;
    // A WebRTC call's hangup is the WebRTC endpoint's.
    if (action === 'hangup' && !this.#calls.has(callId)) return false;
    answerCallAction(request, response, path, action, {
      checkKey: (key) => this.#host.checkKey(key),
      find: () => this.#calls.get(callId),
      notFound: () => new HttpError(404, 'No session found for the provided call_id', 'call_id_not_found', 'call_id'),
      validateAccept: (body) => this.#validateSession(body),
    });
    return true;
  }

  /** The accept body: a GA session (`type: 'realtime'` required), strictly, as the API checks it. */
  #validateSession(body: Record<string, unknown>): Record<string, unknown> {
    if (body.type !== 'realtime') throw new HttpError(400, "Invalid value for 'type': expected 'realtime'.", 'invalid_value', 'type');
    const event = { type: 'session.update', session: body };
    const result = parseClientEvent(JSON.stringify(event), { strict: true });
    if (!result.ok) {
      const failure = validationError(event, result.error);
      throw new HttpError(400, failure.message, failure.code ?? null, failure.param ?? null);
    }
    return body;
  }
}
