/**
 * GPT-Live phone calls: what `createSipCallHandler` does when the app accepts a verified
 * `live.transport.incoming` call. With a relay that speaks Live (`live` set): admission (budget,
 * per-user concurrency), the relay's Live policy applied to the session as to a relayed
 * `session.start` (locked fields, voices, server tools declared for Responses delegation), the call's seconds reserved
 * against the user's budget, `/v1/live/sessions/{id}/accept`, then a sideband
 * (`/v1/live/sessions/{id}/attach`) that runs the server tools, hangs the call up at its limit
 * (the time limit, or the seconds the budget pays for, whichever comes first), reports DTMF,
 * and settles the budget from the session's own usage when the call ends.
 */
import { DEFAULT_LIVE_MODEL, DEFAULT_LIVE_PRICES } from '../../base/defaults';
import { messageOf, RealtimeError } from '../../base/errors';
import type { Logger } from '../../base/logger';
import { livePricePerSecond } from '../../base/usage';
import { checkLiveSessionConfig } from '../../events/live/parse';
import type { RelayCore, RelayTicket } from '../core/relay-core';
import type { RelayIdentity } from '../core/relay-options';
import { liveRelaySession, openLiveRelaySideband, type LiveRelaySideband } from '../http/live-relay-sideband';
import type { UpstreamSocketFactory } from '../upstream';
import { postCallAction, type CallControlOptions } from '../http/call-actions';
import { acceptCall, admitCall, rejectRefusedCall, type RingingCall } from './call-control';
import { isRecord } from '../../base/is-record';

type Json = Record<string, unknown>;

/** What the handler gives the Live accept. */
export interface LiveSipAcceptContext<Identity extends RelayIdentity> {
  /** The calls endpoints and the server's key. */
  control: CallControlOptions;
  /** The relay (speaking Live) whose admission, policy, limits and budgets apply, if any. */
  relay: RelayCore<Identity> | undefined;
  logger: Logger;
  /** Opens the sideband's socket. @default the `ws` package in Node, else the global WebSocket */
  createSocket?: UpstreamSocketFactory | undefined;
}

/** What the Live accept reports back to the call. */
export interface LiveSipCallHooks {
  /** A DTMF key the caller pressed (`transport.dtmf.received` on the sideband). */
  dtmf(digit: string): void;
  /** The sideband ended: the call is over. */
  ended(): void;
}

/** An accepted Live call. */
export interface AcceptedLiveSipCall<Identity extends RelayIdentity> {
  /** The session the call was accepted with (the policy applied). */
  session: Json;
  /** The sideband running the relay's session (tools, limits, metrics), when the handler has a relay. */
  sideband: LiveRelaySideband<Identity> | undefined;
  /** The seconds the call may last: its time limit or what the budget pays for; undefined for no limit. */
  limitSeconds: number | undefined;
}

/**
 * The Live session a call is accepted with: the app's, with a model, under the Live relay's
 * policy when there is one (`applyLiveStart`, as for a relayed `session.start`: the operator's
 * locked fields win, voices and client tools are checked, the server tools are declared in the
 * Responses delegation), then `type: 'live'`. Throws `VOXWIRE_POLICY_VIOLATION` for what the
 * policy refuses, `VOXWIRE_INVALID_SESSION_CONFIG` for what the API would refuse (SIP negotiates
 * its media, so `audio.format` is one).
 */
export function liveSipSession<Identity extends RelayIdentity>(requested: Json, relay: RelayCore<Identity> | undefined, ticket: RelayTicket<Identity> | undefined): Json {
  const { type, ...fields } = requested;
  if (type !== undefined && type !== 'live') throw new RealtimeError('VOXWIRE_INVALID_SESSION_CONFIG', `a GPT-Live call is accepted with a Live session (type 'live'), got type ${JSON.stringify(type)}`, { path: 'session.type' });
  const session: Json = relay?.settings.live !== undefined && ticket ? liveRelaySession(fields, relay, ticket) : { ...fields, model: typeof fields.model === 'string' ? fields.model : DEFAULT_LIVE_MODEL };
  const audio = isRecord(session.audio) ? session.audio : undefined;
  if (audio?.format !== undefined) throw new RealtimeError('VOXWIRE_INVALID_SESSION_CONFIG', 'SIP negotiates the media format: omit session.audio.format', { path: 'session.audio.format' });
  const problem = checkLiveSessionConfig(session);
  if (problem !== undefined) throw new RealtimeError('VOXWIRE_INVALID_SESSION_CONFIG', `the Live session is invalid: ${problem.message}`, { path: `session.${problem.path}` });
  return { type: 'live', ...session };
}

/**
 * Accepts a GPT-Live SIP call. Without a relay the session goes as asked (with `type` and a
 * model) and nothing watches the call.
 *
 * @throws {RealtimeError} `VOXWIRE_BUDGET_EXHAUSTED`, `VOXWIRE_CONCURRENCY_LIMIT` (the call was
 * rejected), `VOXWIRE_POLICY_VIOLATION`, `VOXWIRE_INVALID_SESSION_CONFIG`,
 * `VOXWIRE_UPSTREAM_ERROR`.
 */
export async function acceptLiveSipCall<Identity extends RelayIdentity>(
  context: LiveSipAcceptContext<Identity>,
  callId: string,
  requested: Json,
  identity: Identity,
  hooks: LiveSipCallHooks,
): Promise<AcceptedLiveSipCall<Identity>> {
  const { control, relay, logger } = context;
  const ringing: RingingCall = { control, api: 'live', callId, logger };
  const ticket = relay ? await admitCall(relay, identity, ringing) : undefined;
  let session: Json;
  try {
    session = liveSipSession(requested, relay, ticket);
  } catch (error) {
    if (ticket) relay?.abandon(ticket);
    throw error instanceof RealtimeError ? new RealtimeError(error.code, `call ${callId}: ${error.message}`, error.path === undefined ? {} : { path: error.path }) : error;
  }
  if (!relay || !ticket) {
    await acceptCall(ringing, { session });
    return { session, sideband: undefined, limitSeconds: undefined };
  }

  // The call's seconds, reserved against the budget before it is answered: its time limit, or
  // what is left of the budget when that is less (the call is hung up when they run out).
  const model = String(session.model);
  const unitPerSecond = relay.settings.budgetUnit === 'costUsd' ? livePricePerSecond(relay.settings.live?.prices ?? DEFAULT_LIVE_PRICES, model) : 1;
  let limitSeconds = Number.isFinite(ticket.maxDurationMs) ? ticket.maxDurationMs / 1000 : undefined;
  let reserved = 0;
  if (ticket.budgetLimit !== undefined && unitPerSecond > 0) {
    const affordable = (ticket.budgetLimit - ticket.budgetSpent) / unitPerSecond;
    limitSeconds = Math.min(limitSeconds ?? Infinity, affordable);
    if (!(limitSeconds >= 1)) {
      relay.abandon(ticket);
      return rejectRefusedCall(ringing, 'VOXWIRE_BUDGET_EXHAUSTED', `the daily budget of user ${identity.userId} cannot pay for one second of a call`);
    }
    reserved = limitSeconds * unitPerSecond;
  }
  const charged = await relay.chargeUpfront(ticket, reserved);
  if (charged !== 'charged') {
    relay.abandon(ticket);
    return charged === 'exhausted' ? rejectRefusedCall(ringing, 'VOXWIRE_BUDGET_EXHAUSTED', `the daily budget of user ${identity.userId} is used up`) : rejectRefusedCall(ringing, 'VOXWIRE_UPSTREAM_ERROR', 'the budget store is unavailable');
  }
  let settled = false;
  const startedAt = relay.settings.clock.now();
  let reportedSeconds: number | undefined;
  /** Gives back the reserved seconds the call did not use (its own usage, else the time it lasted); the relay session frees the slot. */
  const settle = (): void => {
    if (settled) return;
    settled = true;
    const usedSeconds = reportedSeconds ?? (relay.settings.clock.now() - startedAt) / 1000;
    const refund = reserved === 0 ? 0 : Math.max(0, reserved - Math.min(limitSeconds ?? Infinity, usedSeconds) * unitPerSecond);
    relay.refundUpfront({ ...ticket, slotHeld: false }, refund);
  };

  try {
    await acceptCall(ringing, { session });
  } catch (error) {
    relay.refundUpfront(ticket, reserved);
    throw error;
  }
  const hangup = (): Promise<void> => postCallAction(control, 'live', callId, 'hangup').then(() => undefined);
  let sideband: LiveRelaySideband<Identity>;
  try {
    // The relay's session on the sideband: its tools, time and idle limits, drain and metrics.
    // The seconds were charged up front, so it charges nothing itself (no budgetLimit).
    sideband = await openLiveRelaySideband(
      {
        relay,
        apiKey: control.apiKey,
        sessionId: callId,
        baseUrl: control.baseUrl,
        createSocket: context.createSocket,
        hangup,
        onServerEvent: (event) => {
          const usage = isRecord(event.usage) ? event.usage.seconds : undefined;
          if ((event.type === 'session.usage.updated' || event.type === 'session.closed') && typeof usage === 'number' && Number.isFinite(usage)) reportedSeconds = Math.max(reportedSeconds ?? 0, usage);
          if (event.type === 'transport.dtmf.received' && typeof event.event === 'string') hooks.dtmf(event.event);
        },
      },
      { ...ticket, budgetLimit: undefined },
    );
  } catch (error) {
    // Without its sideband the call would run outside the limits: end it.
    logger.error('sip: the sideband could not attach to the Live call; hanging it up', { callId, error: messageOf(error) });
    await hangup().catch(() => undefined);
    settle();
    throw new RealtimeError('VOXWIRE_UPSTREAM_ERROR', `call ${callId}: the sideband could not attach, so the call was hung up: ${messageOf(error)}`, { cause: error });
  }
  // The budget pays for less than the time limit: the call ends when the reserved seconds run out.
  const clock = relay.settings.clock;
  const budgetTimer = limitSeconds !== undefined && limitSeconds * 1000 < ticket.maxDurationMs ? clock.setTimeout(() => sideband.session.end('budget_exhausted'), Math.floor(limitSeconds * 1000)) : undefined;
  void sideband.ended.then(() => {
    if (budgetTimer !== undefined) clock.clearTimeout(budgetTimer);
    settle();
    hooks.ended();
  });
  return { session, sideband, limitSeconds };
}
