/**
 * voxwire/live: GPT-Live (`/v1/live/sessions`), OpenAI's full-duplex voice API, beside the
 * Realtime API of the root entry. This entry never loads the Realtime schemas, and the root
 * never loads these.
 *
 * @packageDocumentation
 */

// The wire protocol: schemas, typed event maps, parse and serialize.
export {
  LIVE_START_ONLY_FIELDS,
  assertLiveSessionConfig,
  checkLiveSessionConfig,
  liveAudioFormatSchema,
  liveClientConfigSchema,
  liveClientEventSchemas,
  liveDataChannelConfigSchema,
  liveDelegationSchema,
  liveDelegationUpdateSchema,
  liveErrorObjectSchema,
  liveForkSessionConfigSchema,
  liveFunctionCallOutputSchema,
  liveFunctionToolSchema,
  liveInitialItemSchema,
  liveNestedResponseEventSchema,
  liveResponseInputItemSchema,
  liveResponsesConfigSchema,
  liveServerEventSchemas,
  liveSessionConfigSchema,
  liveSessionResourceSchema,
  liveSessionUpdateSchema,
  liveTriggerSchema,
  liveUsageSchema,
  parseLiveClientEvent,
  parseLiveServerEvent,
  serializeLiveClientEvent,
} from '../events/live';
export type {
  LiveAudioFormat,
  LiveClientEvent,
  LiveClientEventMap,
  LiveClientEventParseResult,
  LiveClientEventType,
  LiveCloseReason,
  LiveConfigProblem,
  LiveDataChannelConfig,
  LiveErrorObject,
  LiveForkSessionConfig,
  LiveFunctionCallOutput,
  LiveFunctionTool,
  LiveInitialItem,
  LiveModel,
  LiveNestedResponseEvent,
  LiveServerEvent,
  LiveServerEventMap,
  LiveServerEventParseResult,
  LiveServerEventType,
  LiveSessionConfig,
  LiveSessionResource,
  LiveSessionUpdate,
  LiveVoice,
  UnknownLiveClientEvent,
  UnknownLiveServerEvent,
} from '../events/live';

// The client: a GPT-Live conversation on the shared transports, audio engine, tools and reconnect policy.
export { LiveClient } from './live-client';
export type { LiveAppendOptions, LiveClientOptions, LiveClientSession, LiveCloseOptions } from './live-client-options';
export type {
  LiveAppended,
  LiveAudioInfo,
  LiveClientEvents,
  LiveClientLifecycleEvents,
  LiveClientWireEvents,
  LiveDelegationInfo,
  LiveDelegationResult,
  LiveInterruptionInfo,
  LiveInterruption,
  LiveTranscriptDelta,
} from './live-client-events';
export { liveProtocol, readLiveAnswer } from './live-protocol';

// Transcript turns and client delegation.
export { LiveTranscript } from './live-transcript';
export type {
  LiveSpeaker,
  LiveTranscriptChange,
  LiveTranscriptFragment,
  LiveTranscriptMarker,
  LiveTranscriptOptions,
  LiveTurn,
  LiveTurnEndReason,
} from './live-transcript';
export { estimateTokens, splitForAppend } from './live-delegate';
export type { LiveDelegateHandler, LiveDelegationReply, LiveDelegationRequest, LiveOrphanedResults } from './live-delegate';

// Usage in seconds, priced per minute.
export { LiveUsageMeter } from '../base/usage';
export type { LiveUsageTotals } from '../base/usage';
export { DEFAULT_LIVE_MODEL, DEFAULT_LIVE_PRICES, DEFAULT_LIVE_PRICES_AS_OF } from '../base/defaults';
export type { LiveModelPrices } from '../base/defaults';
