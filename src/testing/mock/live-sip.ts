/**
 * The SIP side of `MockLiveServer`: it "places a call" (posts a signed
 * `live.transport.incoming` webhook, `data: { session_id, sip_headers, type: 'sip' }`) and
 * answers the Live session endpoints the app uses on it: `POST /v1/live/sessions/{id}/accept`
 * (`{ session: { type: 'live', model, … } }`, checked with the server's strictness; SIP
 * negotiates its media, so `audio.format` is refused), `/reject`, `/refer` and `/hangup`. An
 * accepted call runs a `MockLiveSession` on a real-time phone line (the caller's `say()` in
 * 20 ms packets, the assistant heard on the earpiece), and sidebands attach to it at
 * `/v1/live/sessions/{id}/attach` as to any Live session; a key press reaches them as
 * `transport.dtmf.received`. The session ends with the call: `session.closed` with
 * `remote_hangup` when the caller hangs up, `close_requested` after the app's `/hangup`.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../base/clock';
import { isRecord } from '../../base/is-record';
import { checkLiveSessionConfig } from '../../events/live/parse';
import type { LiveSessionConfig } from '../../events/live/session';
import type { LiveCloseReason } from '../../events/live/server-events';
import type { MockLiveSession } from './live-session';
import type { MockSessionLink } from './session-link';
import { MockSipCall } from './sip-call';
import { answerCallAction, inviteHeaders, type MockPlaceCallOptions } from './sip-endpoint';
import { deliverWebhook, randomToken, type MockWebhookDelivery } from './webhook-delivery';
import { HttpError } from './http-request';

/** What the endpoint needs from `MockLiveServer`. */
export interface MockLiveSipHost {
  clock: Clock;
  /** True when a standard key may use the API. */
  checkKey(key: string | undefined): boolean | Promise<boolean>;
  /** Starts a Live session over the call's line, registered so sidebands can attach to it. */
  open(link: MockSessionLink, config: LiveSessionConfig, sessionId: string): MockLiveSession;
  /** Sends one server event to the session's sidebands only (DTMF is sideband-only). */
  toSidebands(sessionId: string, event: Record<string, unknown> & { type: string }): void;
}

/** Options of {@link MockLiveSipEndpoint.placeCall}: the Realtime mock's, without `alsoLive`. */
export type MockLivePlaceCallOptions = Omit<MockPlaceCallOptions, 'alsoLive'>;

const SESSION_PATH = /^\/v1\/live\/sessions\/(live_[A-Za-z0-9_-]+)\/(accept|reject|refer|hangup)$/;

/** The Live mock's SIP calls, by session id (`live_…`). */
export class MockLiveSipEndpoint {
  readonly #host: MockLiveSipHost;
  readonly #calls = new Map<string, MockSipCall<MockLiveSession>>();
  readonly #endReasons = new Map<string, LiveCloseReason>();
  /** Every webhook delivery and the app's answer, in order. */
  readonly deliveries: MockWebhookDelivery[] = [];

  constructor(host: MockLiveSipHost) {
    this.#host = host;
  }

  /** Calls not ended. */
  get calls(): Array<MockSipCall<MockLiveSession>> {
    return [...this.#calls.values()].filter((call) => call.state !== 'ended' && call.state !== 'rejected');
  }

  /** A call by its session id (ringing, live or over). */
  call(sessionId: string): MockSipCall<MockLiveSession> | undefined {
    return this.#calls.get(sessionId);
  }

  /**
   * Places a call: posts the signed `live.transport.incoming` webhook to the app and returns the
   * ringing call (its `callId` is the Live session id). Wait for `call.waitFor('accepted')`,
   * then `call.say(...)`.
   */
  async placeCall(options: MockLivePlaceCallOptions): Promise<MockSipCall<MockLiveSession>> {
    const sessionId = `live_${randomToken(24)}`;
    const call: MockSipCall<MockLiveSession> = new MockSipCall<MockLiveSession>({
      callId: sessionId,
      clock: this.#host.clock,
      attach: (link, session) => this.#host.open(link, session as unknown as LiveSessionConfig, sessionId),
      pressDigit: (_session, digit) => this.#host.toSidebands(sessionId, { type: 'transport.dtmf.received', event: digit }),
      // The app's `/hangup` closes the session as requested; any other end is the caller's.
      endSession: (session) => session.close(this.#endReasons.get(sessionId) ?? 'remote_hangup'),
      onEnded: () => undefined,
    });
    this.#calls.set(sessionId, call);
    const sipHeaders = inviteHeaders(options);
    const event = { id: `evt_${randomToken(24)}`, object: 'event', type: 'live.transport.incoming', created_at: Math.floor(this.#host.clock.now() / 1000), data: { session_id: sessionId, sip_headers: sipHeaders, type: 'sip' } };
    this.deliveries.push(...(await deliverWebhook(options, event, this.#host.clock)));
    return call;
  }

  /** Ends every call (server stop). */
  close(): void {
    for (const call of this.#calls.values()) call.end();
    this.#calls.clear();
  }

  /** Handles a session-endpoint request for a SIP call; returns false to let the server route it on. */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname.replace(/\/+$/, '');
    const match = SESSION_PATH.exec(path);
    if (!match) return false;
    const sessionId = match[1]!;
    const action = match[2]!;
    if (action === 'hangup' && this.#calls.get(sessionId)?.state === 'accepted') this.#endReasons.set(sessionId, 'close_requested');
    answerCallAction(request, response, path, action, {
      checkKey: (key) => this.#host.checkKey(key),
      find: () => this.#calls.get(sessionId),
      notFound: () => new HttpError(404, `Live session ${sessionId} does not exist or has ended.`, 'session_not_found', 'session_id'),
      validateAccept: (body) => validateAccept(body),
    });
    return true;
  }
}

/** The accept body: `{ session: { type: 'live', model, … } }`, as strictly as the API checks it. */
function validateAccept(body: Record<string, unknown>): Record<string, unknown> {
  const extra = Object.keys(body).find((field) => field !== 'session');
  if (extra !== undefined) throw new HttpError(400, `Unknown parameter: '${extra}'.`, 'unknown_parameter', extra);
  const session = body.session;
  if (!isRecord(session)) throw new HttpError(400, "Missing required parameter: 'session'.", 'missing_required_parameter', 'session');
  const { type, ...config } = session;
  if (type !== 'live') throw new HttpError(400, "Invalid value for 'session.type': expected 'live'.", 'invalid_value', 'session.type');
  const problem = checkLiveSessionConfig(config);
  if (problem !== undefined) {
    const unknown = /^unknown field/.test(problem.message);
    throw new HttpError(400, unknown ? `Unknown parameter: 'session.${problem.path}'.` : problem.message, unknown ? 'unknown_parameter' : 'invalid_value', `session.${problem.path}`);
  }
  const audio = (config as LiveSessionConfig).audio;
  if (audio?.format !== undefined) throw new HttpError(400, 'SIP negotiates its audio format: omit session.audio.format.', 'invalid_value', 'session.audio.format');
  return config;
}
