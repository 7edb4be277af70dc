/**
 * voxwire: the root entry. Runs in browsers, Node ≥ 20.19, Deno, Bun and Workers; imports
 * nothing from `node:*`, `ws` or the DOM at load.
 *
 * @packageDocumentation
 */

// Client.
export { RealtimeClient } from './client/client';
export type { RealtimeClientOptions, SendTextOptions, ConnectOptions } from './client/client';
export type {
  RealtimeClientEvents,
  ClientLifecycleEvents,
  ClientWireEvents,
  ClientState,
  InterruptionInfo,
  AudioChunkEvent,
  SessionEndingInfo,
  SpeakingInfo,
  UsageEvent,
  DeliveryUpdate,
} from './client/client-events';
export type { OutOfBandResult, OutOfBandFunctionCall } from './client/out-of-band';

// Conversation.
export { Conversation } from './client/conversation';
export type {
  ConversationEntry,
  ConversationEntryStatus,
  ConversationContent,
  ConversationChange,
  ConversationUpdate,
  TranscriptUpdate,
  DeliveryState,
} from './client/conversation';

// Tools.
export { defineTool, TOOL_NAME_PATTERN } from './tools/define-tool';
export type { Tool, AnyTool, ToolDefinition, ToolParameters, InferToolArgs, ToolApprovalPolicy } from './tools/define-tool';
export type { ToolContext, ToolApprovalContext, ToolConversationView, ToolConversationEntry } from './tools/tool-context';
export type { StandardSchemaV1 } from './tools/standard-schema';
export type { JsonSchemaObject } from './tools/json-schema';
export { ToolRegistry } from './tools/registry';
export type { ToolRegistryOptions, SessionFunctionTool, ToolsChangeListener, ToolsErrorListener } from './tools/registry';
export type { ToolArgumentsResult } from './tools/arguments';
export type {
  ToolEvents,
  ToolEventMap,
  ToolEventName,
  ToolCallInfo,
  ToolCallEvent,
  ToolResultEvent,
  ToolErrorEvent,
  ToolApprovalRequest,
  ToolOutputsEvent,
  ToolOutputRecord,
} from './tools/tool-events';

// Audio plug-in points (implemented by voxwire/audio, or your own source and sink).
export type { AudioInputSource, AudioOutputSink, AudioOutputChunk, PlaybackPosition } from './client/audio-io';

// Transports.
export type {
  Transport,
  TransportCapabilities,
  TransportCloseInfo,
  TransportConnectOptions,
  TransportEvents,
  ApiKeyProvider,
} from './transport/transport';
export { WebSocketTransport } from './transport/websocket';
export { callIdFromLocation } from './events/call-id';
export type { WebSocketTransportOptions, WebSocketLike, WebSocketInit, CreateWebSocket } from './transport/websocket';
export {
  WebRTCTransport,
  DEFAULT_WEBRTC_CALLS_URL,
  REALTIME_DATA_CHANNEL_LABEL,
  DEFAULT_WEBRTC_ICE_GATHERING_TIMEOUT_MS,
  DEFAULT_WEBRTC_CONNECTION_LOST_GRACE_MS,
  DEFAULT_WEBRTC_AUDIO_CONSTRAINTS,
} from './transport/webrtc';
export type { WebRTCTransportOptions, SdpHeadersProvider } from './transport/webrtc';

// Translation sessions (live speech translation): tree-shaken away when not imported.
export { TranslationClient } from './translation/translation-client';
export type { TranslationClientOptions, TranslationFinishOptions } from './translation/translation-client';
export type { TranslationClientEvents, TranslationTranscriptEvent, TranslationAudioEvent } from './translation/translation-events';
export { translationProtocol } from './translation/translation-protocol';
export type { TransportProtocol } from './transport/transport';
export {
  parseTranslationServerEvent,
  parseTranslationClientEvent,
  serializeTranslationClientEvent,
  translationServerEventSchemas,
  translationClientEventSchemas,
  TRANSLATION_SAMPLE_RATE,
} from './events/translation';
export type {
  TranslationServerEvent,
  TranslationServerEventMap,
  TranslationServerEventType,
  TranslationServerEventParseResult,
  TranslationClientEvent,
  TranslationClientEventMap,
  TranslationSession,
  TranslationSessionUpdate,
  TranslationSessionCreate,
  UnknownTranslationServerEvent,
} from './events/translation';

// Reconnection.
export { exponentialBackoff, neverReconnect } from './client/reconnect';
export type { ReconnectPolicy, ReconnectContext, ExponentialBackoffOptions } from './client/reconnect';

// Usage and cost.
export { UsageMeter } from './base/usage';
export type { UsageTotals } from './base/usage';
export {
  DEFAULT_PRICES,
  DEFAULT_PRICES_AS_OF,
  DEFAULT_MODEL,
  DEFAULT_TRANSCRIPTION_MODEL,
  DEFAULT_REALTIME_URL,
  DEFAULT_TRANSLATION_MODEL,
  DEFAULT_TRANSLATION_URL,
  DEFAULT_TRANSLATION_CALLS_URL,
} from './base/defaults';
export type { ModelPrices } from './base/defaults';

// Models and their shutdown dates: the types here; the table and its checks are exported by
// `voxwire/server` (RealtimeClient loads them on demand, so apps on the defaults never ship them).
export type { ModelCheck, ModelInfo, ModelLifecycle, ModelSessionKind, ModelAudioFormat, ModelWarning } from './base/models';

// Errors.
export { RealtimeError, isRealtimeError, ERROR_CODES, CLOSE_CODES, classifyClose } from './base/errors';
export type { RealtimeErrorCode, RealtimeErrorOptions, ServerErrorDetails, CloseDisposition, SessionEndingReason, SessionExpiredReason } from './base/errors';

// Time and logging.
export { systemClock } from './base/clock';
export type { Clock } from './base/clock';
export { consoleLogger, silentLogger } from './base/logger';
export type { Logger } from './base/logger';

// Events: parse, serialize, session config.
export { parseServerEvent, parseClientEvent, serializeClientEvent, normalizeSessionConfig, createEventId, hasType } from './events';
export type {
  ParseOptions,
  ParseResult,
  ServerEventParseResult,
  ClientEventParseResult,
  SerializeOptions,
  ClientEventWarning,
  EventIdGenerator,
  FrameData,
  NormalizedSessionConfig,
  NormalizeSessionConfigOptions,
  SessionConfigInput,
  TranscriptionSessionConfigInput,
} from './events';

// Events: types.
export type {
  ServerEvent,
  ServerEventType,
  ServerEventMap,
  UnknownServerEvent,
  ClientEvent,
  ClientEventInput,
  ClientEventType,
  ClientEventMap,
  ClientEventInputMap,
  UnknownClientEvent,
  RealtimeSessionConfig,
  TranscriptionSessionConfig,
  SessionConfig,
  ServerSession,
  UnknownServerSession,
  Prompt,
  KnownRealtimeModel,
  KnownVoice,
  Voice,
  AudioFormat,
  TurnDetection,
  TranscriptionConfig,
  NoiseReduction,
  KnownTranscriptionModel,
  ConversationItem,
  UnknownItem,
  ConversationItemInput,
  MessageItem,
  ReasoningItem,
  FunctionCallItem,
  FunctionCallOutputItem,
  McpCallItem,
  McpListToolsItem,
  McpApprovalRequestItem,
  McpApprovalResponseItem,
  ContentPart,
  UnknownContentPart,
  ContentPartInput,
  ItemReference,
  ResponseCreateParams,
  ResponseObject,
  ResponseStatusDetails,
  Usage,
  ErrorObject,
  FunctionTool,
} from './events';

// Events: schemas (for validating in your own code, e.g. a custom relay).
export { serverEventSchemas, clientEventSchemas, SERVER_EVENT_TYPES, CLIENT_EVENT_TYPES, KNOWN_VOICES } from './events';
export { callCreateParamsSchema, callReferParamsSchema, callRejectParamsSchema } from './events';
export type { CallCreateParams, CallReferParams, CallRejectParams } from './events';

// Codecs (pure, no DOM).
export { floatToPcm16, pcm16ToFloat } from './codec/pcm16';
export { encodeBase64, decodeBase64, pcm16ToBase64, base64ToPcm16 } from './codec/base64';
export { encodeMulaw, decodeMulaw, encodeAlaw, decodeAlaw } from './codec/g711';
export { describeAudioFormat, bytesToMs, msToBytes, samplesToMs, msToSamples } from './codec/audio-format';
export type { AudioFormatLike, AudioFormatInfo } from './codec/audio-format';
export { readWav, writeWav } from './codec/wav';
export type { WavData } from './codec/wav';
