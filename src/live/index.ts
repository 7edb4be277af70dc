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
