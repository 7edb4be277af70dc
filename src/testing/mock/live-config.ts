/**
 * How a {@link MockLiveSession}'s config changes once set: `session.update` (the delegation's
 * settings, merged; its type cannot change), and a fork of a stored session over WebSocket
 * (`…/v1/live/sessions/{id}/fork`, then `session.start` with `ForkSessionConfig` overrides),
 * which inherits the stored session's model, voice, instructions and everything else and
 * takes only what a fork may change. An empty object inherits everything.
 *
 * What the API answers when the session was not stored is not documented; the mock refuses the
 * upgrade as it refuses an unknown session (404 `session_not_found`), which a client takes as
 * "the fork will not work".
 */
import type { LiveForkSessionConfig, LiveSessionConfig, LiveSessionUpdate } from '../../events/live/session';

type Delegation = LiveSessionConfig['delegation'];

/** A fork's `session.start` the server refuses: the error's code, message and param. */
export interface ForkRefusal {
  code: string;
  message: string;
  param: string;
}

/**
 * The delegation after an update of the same type: its fields replaced, and the settings of its
 * backend (`responses` or `decisions`) merged field by field.
 */
export function updatedDelegation(current: Delegation, update: NonNullable<LiveSessionUpdate['delegation']>): Delegation {
  if (current == null) return update as Delegation;
  const merged = { ...current, ...update } as Record<string, unknown>;
  const nested = current.type === 'responses' ? 'responses' : current.type === 'decisions' ? 'decisions' : undefined;
  const before = current as unknown as Record<string, object | undefined>;
  const after = update as unknown as Record<string, object | undefined>;
  if (nested !== undefined) merged[nested] = { ...before[nested], ...after[nested] };
  return merged as Delegation;
}

/** Why a session cannot be forked (unknown, or not stored), or undefined when it can. */
export function forkUnavailable(sessionId: string, stored: { config: LiveSessionConfig | undefined } | undefined): string | undefined {
  if (stored === undefined) return `Live session ${sessionId} does not exist.`;
  if (stored.config?.store !== true) return `Live session ${sessionId} was not stored (session.store: true), so it cannot be forked.`;
  return undefined;
}

/**
 * A fork's config: the stored session's, with the overrides applied. Over WebSocket `client`
 * (WebRTC permissions) cannot be set, and `delegation` changes only a session that delegates to
 * the Responses backend.
 */
export function forkedConfig(stored: LiveSessionConfig, overrides: LiveForkSessionConfig): { config: LiveSessionConfig } | { refusal: ForkRefusal } {
  if (overrides.client !== undefined) {
    return { refusal: { code: 'invalid_value', message: 'client overrides are only supported for WebRTC forks.', param: 'session.client' } };
  }
  const current = stored.delegation?.type ?? 'client';
  if (overrides.delegation !== undefined && current !== 'responses') {
    return { refusal: { code: 'invalid_value', message: `A fork may change the delegation only of a session that delegates to 'responses' (this one delegates to '${current}').`, param: 'session.delegation.type' } };
  }
  const config: LiveSessionConfig = structuredClone(stored);
  if (overrides.audio?.format !== undefined) config.audio = { ...config.audio, format: overrides.audio.format };
  if (overrides.store !== undefined) config.store = overrides.store;
  if (overrides.delegation !== undefined) config.delegation = updatedDelegation(config.delegation, overrides.delegation);
  return { config };
}
