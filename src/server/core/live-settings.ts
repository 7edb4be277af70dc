/**
 * The relay's GPT-Live options (`RelayCoreOptions.live`) resolved once: the client events a
 * client may send, the per-second prices of a `'costUsd'` budget, and the operator's locked
 * session fields (validated at creation when fixed, at each session when decided per identity).
 */
import type { LiveModelPrices } from '../../base/defaults';
import { DEFAULT_LIVE_PRICES } from '../../base/defaults';
import { RealtimeError } from '../../base/errors';
import { checkLiveSessionConfig } from '../../events/live/parse';
import { liveClientEventValidators } from '../../events/generated/live-validators';
import type { RelayLiveLockedSession } from './live-policy';
import type { RelayIdentity, RelayLiveOptions } from './relay-options';

/** {@link RelayLiveOptions}, resolved. */
export interface ResolvedLiveSettings<Identity extends RelayIdentity> {
  /** Live client event types a client may send. */
  readonly allowedClientEvents: ReadonlySet<string>;
  /** `policy.allowSystemMessages` as given (undefined: developer context is allowed unless the instructions are locked). */
  readonly allowSystemMessages: boolean | undefined;
  /** Prices of a `'costUsd'` budget. */
  readonly prices: Readonly<Record<string, LiveModelPrices>>;
  /** The locked fields for this identity; throws a `RealtimeError` when they are not a valid Live config. */
  lockedSession(identity: Identity): RelayLiveLockedSession | undefined;
}

/** Every Live client event but the sideband-only ones. */
const SIDEBAND_ONLY: ReadonlySet<string> = new Set(['transport.dtmf.send']);

function invalid(message: string, path: string): RealtimeError {
  return new RealtimeError('VOXWIRE_INVALID_ARGUMENT', message, { path });
}

/** Checks the locked fields with the relay's model filled in, as the Live server would check them. */
function checkLocked(locked: RelayLiveLockedSession | undefined, model: string): RelayLiveLockedSession | undefined {
  if (locked === undefined) return undefined;
  if (typeof locked !== 'object' || locked === null) throw invalid('relay: `live.session` must be an object of Live session fields.', 'live.session');
  const problem = checkLiveSessionConfig({ model, ...locked });
  if (problem !== undefined) throw invalid(`relay: \`live.session\` is not a valid Live config: ${problem.message}`, problem.path === '' ? 'live.session' : `live.session.${problem.path}`);
  return locked;
}

/** Resolves `live` (throws on misconfiguration, before any socket opens). */
export function resolveLiveSettings<Identity extends RelayIdentity>(live: RelayLiveOptions<Identity>, model: string, allowSystemMessages: boolean | undefined): ResolvedLiveSettings<Identity> {
  if (typeof live !== 'object' || live === null) throw invalid('relay: `live` must be an object ({} for the defaults).', 'live');
  const known = [...liveClientEventValidators.keys()];
  const allowed = live.allowedClientEvents ?? known.filter((type) => !SIDEBAND_ONLY.has(type));
  for (const type of allowed) {
    if (!liveClientEventValidators.has(type)) throw invalid(`relay: \`live.allowedClientEvents\` lists ${JSON.stringify(type)}, which is not a Live client event (${known.join(', ')}).`, 'live.allowedClientEvents');
  }
  const session = live.session;
  const fixed = typeof session === 'function' ? undefined : checkLocked(session, model);
  return {
    allowedClientEvents: new Set(allowed),
    allowSystemMessages,
    prices: live.prices ?? DEFAULT_LIVE_PRICES,
    lockedSession: (identity) => (typeof session === 'function' ? checkLocked(session(identity), model) : fixed),
  };
}
