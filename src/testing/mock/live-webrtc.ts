/**
 * The WebRTC side of `MockLiveServer`: `POST /v1/live/sessions` with
 * `{ session, transport: { type: 'webrtc', sdp } }`, as a server forwards a browser's offer. The
 * request is checked as the API checks it (key, body, session config; WebRTC negotiates its own
 * audio format), the offer is answered by a werift peer on loopback (201
 * `{ session: { id }, transport: { type, sdp } }`), and the session starts with the request: no
 * `session.start` on the data channel, events on the data channel, audio on the track.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../base/clock';
import { checkLiveSessionConfig } from '../../events/live/parse';
import type { LiveSessionConfig } from '../../events/live/session';
import { HttpError, readBody } from './http-request';
import type { MockIdPrefix } from './ids';
import type { MockLiveConnectionInfo } from './live-server-options';
import type { MockLiveSession } from './live-session';
import type { MockSessionLink } from './session-link';
import { MockWebRTCCall, loadWerift } from './webrtc-call';
import type { WeriftModule } from './webrtc-call';
import { loadOpusCodecFactory } from './webrtc-opus';
import type { OpusCodecFactory } from './webrtc-opus';

/** What the endpoint needs from its server. */
export interface LiveWebRTCHost {
  readonly clock: Clock;
  readonly random: () => number;
  newId(prefix: MockIdPrefix): string;
  /** Whether the presented key is accepted. */
  acceptsKey(key: string | undefined): Promise<boolean>;
  /** Adds a connection to the server's list. */
  register(info: Omit<MockLiveConnectionInfo, 'index'>): MockLiveConnectionInfo;
  /** Starts a session over the call's data channel and track. */
  open(index: number, call: { link: MockSessionLink; config: LiveSessionConfig; id: string }): MockLiveSession;
}

/** How long a call may take to connect after its answer. */
const SETUP_TIMEOUT_MS = 30_000;

/** `POST /v1/live/sessions` over WebRTC. */
export class LiveWebRTCEndpoint {
  readonly #host: LiveWebRTCHost;
  readonly #calls = new Set<MockWebRTCCall>();
  #modules: Promise<{ werift: WeriftModule; codecs: OpusCodecFactory }> | undefined;

  constructor(host: LiveWebRTCHost) {
    this.#host = host;
  }

  /** Ends every call (the server is stopping). */
  close(): void {
    for (const call of this.#calls) call.kill();
    this.#calls.clear();
  }

  /** Answers a `POST /v1/live/sessions`. Never rejects: every failure is an HTTP answer. */
  async create(request: IncomingMessage, response: ServerResponse, key: string | undefined): Promise<void> {
    const fail = (status: number, code: string, message: string, param: string | null = null): void => {
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ error: { type: 'invalid_request_error', code, message, param } }));
    };
    const host = this.#host;
    if (!(await host.acceptsKey(key))) return fail(401, 'invalid_api_key', 'Incorrect API key provided.');
    let body: { session?: unknown; transport?: { type?: unknown; sdp?: unknown }; [field: string]: unknown };
    try {
      body = JSON.parse((await readBody(request)).toString('utf8')) as typeof body;
    } catch (error) {
      if (error instanceof HttpError) return fail(error.status, error.code ?? 'invalid_request', error.message);
      return fail(400, 'invalid_json', 'The request body is not valid JSON.');
    }
    const extra = Object.keys(body).find((field) => field !== 'session' && field !== 'transport');
    if (extra !== undefined) return fail(400, 'unknown_parameter', `Unknown parameter: '${extra}'.`, extra);
    if (body.transport?.type !== 'webrtc' || typeof body.transport.sdp !== 'string') return fail(400, 'missing_required_parameter', "Missing required parameter: 'transport.sdp'.", 'transport.sdp');
    const problem = checkLiveSessionConfig(body.session);
    if (problem !== undefined) {
      const unknown = /^unknown field/.test(problem.message);
      return fail(400, unknown ? 'unknown_parameter' : 'invalid_value', unknown ? `Unknown parameter: 'session.${problem.path}'.` : problem.message, `session.${problem.path}`);
    }
    const config = body.session as LiveSessionConfig;
    if (config.audio?.format !== undefined) return fail(400, 'invalid_value', 'WebRTC negotiates its audio format: omit session.audio.format.', 'session.audio.format');
    let modules: { werift: WeriftModule; codecs: OpusCodecFactory };
    try {
      this.#modules ??= Promise.all([loadWerift(), loadOpusCodecFactory()]).then(([werift, codecs]) => ({ werift, codecs }));
      modules = await this.#modules;
    } catch (error) {
      this.#modules = undefined;
      return fail(501, 'not_implemented', error instanceof Error ? error.message : String(error));
    }
    const info = host.register({ kind: 'webrtc', sessionId: '', open: true, ...(key === undefined ? {} : { apiKey: key }) });
    let created: MockLiveSession | undefined;
    // The id is in the answer, before the data channel opens and the session starts.
    const sessionId = `live_${host.newId('sess').slice(5)}`;
    try {
      const { call, answer } = await MockWebRTCCall.answer(
        {
          callId: `rtc_${host.newId('call').slice(5)}`,
          werift: modules.werift,
          codecs: modules.codecs,
          clock: host.clock,
          random: host.random,
          setupTimeoutMs: SETUP_TIMEOUT_MS,
          attach: (link) => {
            created = host.open(info.index, { link, config, id: sessionId });
            return created;
          },
          onEnded: () => {
            info.open = false;
            this.#calls.delete(call);
          },
        },
        body.transport.sdp,
      );
      this.#calls.add(call);
      info.sessionId = created?.id ?? sessionId;
      response.writeHead(201, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ session: { id: sessionId }, transport: { type: 'webrtc', sdp: answer } }));
    } catch (error) {
      fail(400, 'invalid_offer', error instanceof Error ? error.message : String(error), 'transport.sdp');
    }
  }
}
