/**
 * What a client does when its connection closes without being asked to: end for good (expired,
 * refused) or reconnect under its {@link ReconnectPolicy}. The policy decides the delays; this
 * loop runs them. Shared by `TranslationClient` and `LiveClient`, whose sessions end alike.
 */
import type { ClientState } from './client-events';
import { CLOSE_CODES, RealtimeError, classifyClose } from '../base/errors';
import type { ReconnectPolicy } from './reconnect';
import { expiryReason, finalStateAfter, toRealtimeError } from './session-errors';
import type { TransportCloseInfo } from '../transport/transport';

/** A state a client ends in. */
export type EndState = ClientState & { status: 'closed' | 'expired' };

/**
 * The end state a close leads to, or undefined when the client should reconnect: expiry and
 * the relay's time-limit and budget codes expire the session, authentication and policy codes
 * close it, anything else (1006, 4000 draining) is a drop.
 */
export function endStateAfterClose(info: TransportCloseInfo, sessionExpired: boolean, announced?: string): EndState | undefined {
  const disposition = classifyClose(info.code, sessionExpired);
  if (disposition === 'expired') return { status: 'expired', reason: expiryReason(info.code, sessionExpired, announced) };
  if (disposition !== 'closed') return undefined;
  const code = info.code === CLOSE_CODES.authenticationFailed ? 'VOXWIRE_AUTHENTICATION_FAILED' : 'VOXWIRE_POLICY_VIOLATION';
  const error = new RealtimeError(code, `The server closed the session (code ${info.code}${info.reason ? `: ${info.reason}` : ''}).`);
  return { status: 'closed', reason: error.message, error };
}

/** What the loop needs from its client. */
export interface ReconnectLoopHost {
  /** The client's reconnect policy. */
  readonly policy: ReconnectPolicy;
  /** The client's random source (jitter). */
  readonly random: () => number;
  /** Waits on the client's clock; resolves false when the client ended meanwhile. */
  sleep(delayMs: number): Promise<boolean>;
  /** True once the client ended (read after every `await`). */
  ended(): boolean;
  /** Opens a new session; rejects when the attempt failed. */
  reopen(): Promise<void>;
  /** An attempt is scheduled: set the `reconnecting` state. */
  scheduled(attempt: number, nextDelayMs: number, closeCode: number): void;
  /** An attempt failed and another may follow: close what it opened, report the error. */
  failed(failure: RealtimeError): void;
  /** Ends the client in `state`. */
  end(state: EndState): void;
}

/**
 * Reconnects after the drop `info` until an attempt succeeds, the policy gives up
 * (`VOXWIRE_RECONNECT_FAILED`), a failure no retry can change ends it (authentication, budget,
 * concurrency, policy), or the client ends.
 */
export async function reconnectLoop(host: ReconnectLoopHost, info: TransportCloseInfo): Promise<void> {
  let closeCode = info.code;
  let closeReason = info.reason;
  for (let attempt = 1; ; attempt += 1) {
    const delay = host.policy({ attempt, closeCode, closeReason, random: host.random });
    if (delay === null) {
      const error = new RealtimeError('VOXWIRE_RECONNECT_FAILED', `Gave up reconnecting after ${attempt - 1} attempt(s); last close code ${closeCode}.`);
      host.end({ status: 'closed', reason: error.message, error });
      return;
    }
    host.scheduled(attempt, delay, closeCode);
    if (!(await host.sleep(delay)) || host.ended()) return;
    try {
      await host.reopen();
      return;
    } catch (error) {
      if (host.ended()) return;
      const failure = toRealtimeError(error, 'VOXWIRE_CONNECTION_FAILED');
      const final = finalStateAfter(failure);
      if (final) return host.end(final);
      host.failed(failure);
      closeCode = CLOSE_CODES.abnormal;
      closeReason = failure.message;
    }
  }
}
