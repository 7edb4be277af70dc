/**
 * The GPT-Live wire protocol: schemas, event maps, parse and serialize. Kept apart from the
 * Realtime tables: the root `voxwire` entry never imports it (a Realtime app does not pay for
 * Live schemas), and `voxwire/live` does not load the Realtime validators.
 */
export {
  LIVE_START_ONLY_FIELDS,
  liveAudioFormatSchema,
  liveClientConfigSchema,
  liveDataChannelConfigSchema,
  liveDelegationSchema,
  liveDelegationUpdateSchema,
  liveForkSessionConfigSchema,
  liveFunctionToolSchema,
  liveInitialItemSchema,
  liveResponsesConfigSchema,
  liveSessionConfigSchema,
  liveSessionResourceSchema,
  liveSessionUpdateSchema,
  liveTriggerSchema,
} from './session';
export type {
  LiveAudioFormat,
  LiveDataChannelConfig,
  LiveForkSessionConfig,
  LiveFunctionTool,
  LiveInitialItem,
  LiveModel,
  LiveSessionConfig,
  LiveSessionResource,
  LiveSessionUpdate,
  LiveVoice,
} from './session';
export { liveClientEventSchemas, liveFunctionCallOutputSchema, liveResponseInputItemSchema } from './client-events';
export type { LiveClientEvent, LiveClientEventMap, LiveClientEventType, LiveFunctionCallOutput, UnknownLiveClientEvent } from './client-events';
export { liveErrorObjectSchema, liveNestedResponseEventSchema, liveServerEventSchemas, liveUsageSchema } from './server-events';
export type {
  LiveCloseReason,
  LiveErrorObject,
  LiveNestedResponseEvent,
  LiveServerEvent,
  LiveServerEventMap,
  LiveServerEventType,
  UnknownLiveServerEvent,
} from './server-events';
export { assertLiveSessionConfig, checkLiveSessionConfig, parseLiveClientEvent, parseLiveServerEvent, serializeLiveClientEvent } from './parse';
export type { LiveClientEventParseResult, LiveConfigProblem, LiveServerEventParseResult } from './parse';
