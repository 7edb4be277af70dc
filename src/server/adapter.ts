/**
 * `voxwire/server/adapter`: the relay's inner pieces, for people writing their own relay
 * adapter on a runtime voxwire has none for (the Node one is `createRelay` in
 * `voxwire/server/node`). Most apps never need this entry: `RelayCore` from `voxwire/server`
 * plus `createUpstream` (dialing the API with the runtime's WebSocket, also in `voxwire/server`;
 * see docs/server.md) run a relay anywhere. Explicit names only, grouped by topic.
 * These names follow the relay's internals more closely than `voxwire/server` does; they may
 * change in a minor release (the changelog says so when they do).
 */

// The session a RelayCore opens for each client, and the hooks it runs.
export { RelaySession } from './core/relay-session';
export type { RelaySessionHooks, RelaySessionInit } from './core/relay-session';
export type { SessionBuffered } from './core/session-pipe';

// Wrapping a runtime's WebSocket as an upstream socket (for a custom socket factory), and the
// connection object an `Upstream` dial resolves to.
export { wrapWebSocket, UpstreamConnection } from './upstream';

// The session policy as the relay resolved it from its options.
export type { ResolvedSessionPolicy } from './core/policy';

// The messages a SessionBus carries between nodes (for a bus of your own).
export type { SessionEventBase, RelayControlMessage } from './stores/session-bus';

// Metrics: what changed between two snapshots (an adapter reports its sessions' share).
export { metricsChange } from './metrics';

// Policy: applying the operator's locked session to what a client sends.
export { applyPolicy, initialSessionConfig, mergeLocked } from './core/policy';
export type { PolicyResult, Json } from './core/policy';

// Frames the relay writes itself, and the close code of each end reason.
export { sessionEndingFrame, modelDeprecatedFrame, relayErrorFrame } from './core/wire-events';
export type { RelayErrorDetails } from './core/wire-events';
export { RELAY_END_REASONS, closeCodeFor } from './core/end-reason';

// The hot path: reading a frame's type and audio without parsing it.
export { scanAudioAppend, peekEventType } from './core/frame-scan';

// Beta-speaking clients.
export { LegacyBridge, betaFieldsOf, betaRefusalMessage, requestSpeaksBeta, toBetaEvent } from './core/legacy-bridge';
export type { BetaField, BridgeClientResult } from './core/legacy-bridge';
