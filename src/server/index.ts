/**
 * `voxwire/server`: the runtime-agnostic server kit (Web-standard, no `node:*`, no `ws`).
 * The relay core on a minimal socket interface, its policy, limits, budget stores, metrics
 * and cross-node control; the ephemeral-key and WebRTC handlers. The Node relay
 * (`createRelay`) and the Redis store live in `voxwire/server/node`. Explicit names only,
 * grouped by topic.
 */

// Relay core.
export { RelayCore } from './relay-core';
export type { RelayEvents, RelaySessionRef, RelayTicket, RelayAdmission, EndSessionOptions } from './relay-core';
export { RelaySession } from './relay-session';
export type { RelaySessionHooks, RelaySessionInit } from './relay-session';
export type { RelaySocket, RelayFrame } from './socket';

// Options.
export type {
  RelayCoreOptions,
  RelayIdentity,
  RelayAuthenticate,
  RelayConnectionInfo,
  RelayPolicy,
  RelayLimits,
  RelayBudget,
  PerIdentity,
  ResolvedRelaySettings,
} from './relay-options';

// Models and their announced shutdowns (also checked by the relay and RealtimeClient).
export { KNOWN_MODELS, MODEL_SHUTDOWN_WARNING_DAYS, checkModel, findModel, modelLifecycle } from '../models';
export type { ModelCheck, ModelInfo, ModelLifecycle, ModelSessionKind, ModelAudioFormat, ModelWarning } from '../models';

// Policy.
export { applyPolicy, initialSessionConfig, mergeLocked } from './policy';
export type { RelayLockedSession, RelaySessionType, ResolvedSessionPolicy, PolicyResult, Json } from './policy';

// Frames the relay sends, and how sessions end.
export { SESSION_ENDING_EVENT_TYPE, MODEL_DEPRECATED_EVENT_TYPE, sessionEndingFrame, modelDeprecatedFrame, relayErrorFrame } from './wire-events';
export type { SessionEndingEvent, SessionEndingReason, ModelDeprecatedEvent, RelayErrorDetails } from './wire-events';
export { RELAY_END_REASONS, closeCodeFor } from './end-reason';
export type { RelayEndReason } from './end-reason';
export { scanAudioAppend, peekEventType } from './frame-scan';
export { LegacyBridge, RELAY_WARNING_EVENT_TYPE, betaFieldsOf, betaRefusalMessage, requestSpeaksBeta, toBetaEvent } from './legacy-bridge';
export type { BetaClientsMode, BetaField, BridgeClientResult } from './legacy-bridge';

// Budgets and concurrency.
export { MemoryBudgetStore } from './memory-budget-store';
export type { MemoryBudgetStoreOptions } from './memory-budget-store';
export type { BudgetStore, BudgetSlot } from './budget-store';

// Metrics.
export { RelayMetrics } from './metrics';
export type {
  RelayMetricsOptions,
  RelayMetricsEvents,
  RelayMetricsSnapshot,
  FrameRejectReason,
  BudgetRejectionStage,
  ConnectionRejectReason,
  ToolCallOutcome,
} from './metrics';

// Cross-node control.
export { MemorySessionBus } from './session-bus';
export type { SessionBus, RelaySessionEvent, SessionEventBase, RelayControlMessage, BudgetUnit } from './session-bus';

// Browser handlers: ephemeral keys and WebRTC calls (`(Request) => Response`), and the
// sideband that applies the relay's policy to a WebRTC call.
export { createClientSecret, createClientSecretHandler, DEFAULT_CLIENT_SECRET_EXPIRES_AFTER_SECONDS } from './client-secret';
export type { CreateClientSecretOptions, ClientSecret, ClientSecretHandlerOptions } from './client-secret';
export { createTranslationClientSecret, createTranslationClientSecretHandler } from './translation-client-secret';
export type { CreateTranslationClientSecretOptions, TranslationClientSecretHandlerOptions } from './translation-client-secret';
export { createSdpHandler } from './sdp';
export type { SdpCall, SdpHandlerOptions } from './sdp';
export { createTranslationSdpHandler } from './translation-sdp';
export type { TranslationSdpCall, TranslationSdpHandlerOptions } from './translation-sdp';
export { openSideband, hangupCall, DEFAULT_SIDEBAND_MAX_CORRECTIONS } from './sideband';
export type { SidebandOptions, Sideband } from './sideband';
export type { BrowserSessionPolicy, BrowserHandlerOptions } from './browser-request';
