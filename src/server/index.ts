/**
 * `voxwire/server`: the runtime-agnostic server kit (Web-standard, no `node:*`, no `ws`).
 * The relay core on a minimal socket interface, its policy, limits, budget stores, metrics
 * and cross-node control; the ephemeral-key and WebRTC handlers. The Node relay
 * (`createRelay`) and the Redis store live in `voxwire/server/node`. Explicit names only,
 * grouped by topic. The pieces a custom relay adapter needs (the session class, frame scanning,
 * the relay's frame builders) are in `voxwire/server/adapter`.
 */

// Relay core.
export { RelayCore } from './core/relay-core';
export type { RelayEvents, RelaySessionRef, RelayTicket, RelayAdmission, EndSessionOptions } from './core/relay-core';
export type { RelaySocket, RelayFrame } from './core/socket';
export type { RelayDrainState, RelayDrainOptions, RelayHealth } from './core/drain';

// Dialing the upstream API on any runtime (the relay's and the sideband's connection).
export { createUpstream, bearerAuth, webSocketUpstream, defaultUpstreamSocket } from './upstream';
export type {
  Upstream,
  UpstreamOptions,
  UpstreamHeaders,
  UpstreamSocket,
  UpstreamSocketFactory,
  UpstreamSocketHandlers,
  UpstreamSocketInit,
  WebSocketUpstreamOptions,
  WebStandardWebSocket,
  WebStandardWebSocketConstructor,
} from './upstream';

// Options.
export type {
  RelayCoreOptions,
  RelayIdentity,
  RelayAuthenticate,
  RelayConnectionInfo,
  RelayPolicy,
  RelayLimits,
  RelayBudget,
  RelayLiveOptions,
  PerIdentity,
} from './core/relay-options';
export type { ResolvedRelaySettings } from './core/relay-settings';
export type { ResolvedLiveSettings } from './core/live-settings';

// Models and their announced shutdowns (also checked by the relay and RealtimeClient).
export { KNOWN_MODELS, MODEL_SHUTDOWN_WARNING_DAYS, checkModel, modelLifecycle } from '../base/models';
export type { ModelCheck, ModelInfo, ModelLifecycle, ModelSessionKind, ModelAudioFormat, ModelWarning } from '../base/models';

// Policy.
export type { RelayLockedSession, RelaySessionType } from './core/policy';
export type { RelayLiveLockedSession } from './core/live-policy';

// Frames the relay sends, and how sessions end.
export { SESSION_ENDING_EVENT_TYPE, MODEL_DEPRECATED_EVENT_TYPE, RELAY_WARNING_EVENT_TYPE } from '../events/voxwire-events';
export type { SessionEndingEvent, ModelDeprecatedEvent, RelayWarningEvent, VoxwireEventMap, VoxwireEventType } from '../events/voxwire-events';
export { SESSION_END_REASONS } from '../base/errors';
export type { SessionEndingReason, SessionEndReason, SessionEndRow, SessionExpiredReason } from '../base/errors';
export type { RelayEndReason } from './core/end-reason';
export type { BetaClientsMode } from './core/legacy-bridge';

// Budgets and concurrency.
export { MemoryBudgetStore } from './stores/memory-budget-store';
export type { MemoryBudgetStoreOptions } from './stores/memory-budget-store';
export type { BudgetStore, BudgetSlot } from './stores/budget-store';

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
export { MemorySessionBus } from './stores/session-bus';
export type { SessionBus, RelaySessionEvent, BudgetUnit } from './stores/session-bus';

// Browser handlers: ephemeral keys and WebRTC calls (`(Request) => Response`), and the
// sideband that applies the relay's policy to a WebRTC call.
export { createClientSecret, createClientSecretHandler, DEFAULT_CLIENT_SECRET_EXPIRES_AFTER_SECONDS } from './http/client-secret';
export type { CreateClientSecretOptions, ClientSecret, ClientSecretHandlerOptions } from './http/client-secret';
export { createTranslationClientSecret, createTranslationClientSecretHandler } from './http/translation-client-secret';
export type { CreateTranslationClientSecretOptions, TranslationClientSecretHandlerOptions } from './http/translation-client-secret';
export { createSdpHandler } from './http/sdp';
export { createLiveSessionHandler, DEFAULT_LIVE_BROWSER_CLIENT_EVENTS, liveBrowserClientEvents } from './http/live-session';
export type { LiveSessionHandlerOptions, LiveSessionRequest, LiveWebRTCSession } from './http/live-session';
export { attachLiveSideband } from './http/live-sideband';
export type { LiveSideband, LiveSidebandOptions } from './http/live-sideband';
export type { SdpCall, SdpHandlerOptions } from './http/sdp';
export { createTranslationSdpHandler } from './http/translation-sdp';
export type { TranslationSdpCall, TranslationSdpHandlerOptions } from './http/translation-sdp';
export { openSideband, hangupCall, DEFAULT_SIDEBAND_MAX_CORRECTIONS } from './http/sideband';
export type { SidebandOptions, Sideband } from './http/sideband';
export type { BrowserSessionPolicy, BrowserHandlerOptions } from './http/browser-request';

// Phone calls: SIP on the Realtime API (webhooks, call control, a sideband per call).
export { createSipCallHandler, IncomingSipCall } from './telephony/sip-calls';
export type { SipCallHandlerOptions, SipAcceptOptions, AcceptedSipCall, IncomingSipCallEvents, SipDtmfInfo, SipDtmf, UntrustedSipHeader } from './telephony/sip-calls';
export { verifyWebhook, signWebhook } from './telephony/webhook-signature';
export type { WebhookVerifyOptions, VerifiedWebhook } from './telephony/webhook-signature';
export type { CallApi, CallAction, CallControlOptions } from './http/call-actions';

// Phone calls: provider media streams (Twilio Media Streams, other providers by adapter) bridged in G.711.
export { MediaStreamCall } from './telephony/media-stream-bridge';
export type { MediaStreamBridgeOptions, MediaStreamCallEvents, MediaStreamInterruptionInfo, MediaStreamInterruption, MediaStreamStartInfo, MediaStreamStart, TelephonySocket } from './telephony/media-stream-bridge';
export type { TelephonyAdapter, TelephonyAudioFormat, TelephonyEvent } from './telephony/telephony-adapter';
export { twilioMediaStreams, createTwilioVoiceHandler } from './telephony/twilio';
export type { TwilioVoiceHandlerOptions } from './telephony/twilio';

// Azure OpenAI (GA endpoints, api-key or Entra ID) and other GA-compatible servers.
export { azureOpenAI } from './azure';
export type { AzureOpenAI, AzureOpenAIOptions } from './azure';
