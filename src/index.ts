/**
 * voxwire: the root entry. Runs in browsers, Node ≥ 20.19, Deno, Bun and Workers; imports
 * nothing from `node:*`, `ws` or the DOM at load.
 *
 * @packageDocumentation
 */

// Client.
export { RealtimeClient } from './client/client';
export type { RealtimeClientOptions, SendTextOptions, ConnectOptions } from './client/client-options';
export type {
  RealtimeClientEvents,
  ClientLifecycleEvents,
  ClientWireEvents,
  ClientState,
  InterruptionInfo,
  AudioChunkInfo,
  SessionEndingInfo,
  SpeakingInfo,
  UsageInfo,
  DeliveryUpdate,
} from './client/client-events';
export type { OutOfBandResult, OutOfBandFunctionCall } from './client/out-of-band';

// Conversation.
export type {
  Conversation,
  ConversationEntry,
  ConversationEntryStatus,
  ConversationContent,
  ConversationChange,
  ConversationUpdate,
  TranscriptUpdate,
  DeliveryState,
} from './client/conversation';

// Tools.
export { defineTool } from './tools/define-tool';
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
  ToolCallRef,
  ToolCallInfo,
  ToolResultInfo,
  ToolErrorInfo,
  ToolApprovalRequest,
  ToolOutputsInfo,
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
  TransportMedia,
  ApiKeyProvider,
} from './transport/transport';
export { WebSocketTransport } from './transport/websocket';
export type { WebSocketTransportOptions, WebSocketLike, WebSocketInit, CreateWebSocket } from './transport/websocket';
export { WebRTCTransport } from './transport/webrtc';
export type { WebRTCTransportOptions, SdpHeadersProvider } from './transport/webrtc-options';
export { realtimeProtocol } from './transport/realtime-protocol';

// Translation sessions (live speech translation): tree-shaken away when not imported.
export { TranslationClient } from './translation/translation-client';
export type { TranslationClientOptions, TranslationFinishOptions } from './translation/translation-client';
export type { TranslationClientEvents, TranslationTranscriptInfo, TranslationAudioInfo } from './translation/translation-events';
export { translationProtocol } from './translation/translation-protocol';
export type { TransportProtocol } from './transport/transport';
export type {
  TranslationServerEvent,
  TranslationServerEventMap,
  TranslationServerEventType,
  TranslationClientEvent,
  TranslationClientEventMap,
  TranslationSession,
  TranslationSessionUpdate,
  TranslationSessionCreate,
} from './events/translation';
export type { UnknownTranslationServerEvent } from './events/translation-parse';

// Reconnection.
export { exponentialBackoff, neverReconnect } from './client/reconnect';
export type { ReconnectPolicy, ReconnectContext, ExponentialBackoffOptions } from './client/reconnect';

// Usage and cost.
export type { UsageMeter, UsageTotals } from './base/usage';
export { DEFAULT_PRICES, DEFAULT_PRICES_AS_OF, DEFAULT_MODEL, DEFAULT_TRANSCRIPTION_MODEL, DEFAULT_TRANSLATION_MODEL } from './base/defaults';
export type { ModelPrices } from './base/defaults';

// Models and their shutdown dates: the types here; the table and its checks are exported by
// `voxwire/server` (RealtimeClient loads them on demand, so apps on the defaults never ship them).
export type { ModelCheck, ModelInfo, ModelLifecycle, ModelSessionKind, ModelAudioFormat, ModelWarning } from './base/models';

// Errors.
export { RealtimeError, isRealtimeError, ERROR_CODES, CLOSE_CODES } from './base/errors';
export type { RealtimeErrorCode, RealtimeErrorOptions, ServerErrorDetails, SessionEndingReason, SessionExpiredReason } from './base/errors';

// Time and logging.
export type { Clock } from './base/clock';
export { consoleLogger, silentLogger } from './base/logger';
export type { Logger } from './base/logger';

// Events: narrowing. Parse, serialize, schemas and the wire constants live in `voxwire/events`.
export { hasType } from './events/has-type';
export type { SessionConfigInput, TranscriptionSessionConfigInput } from './events/session-input';
export type { ClientEventWarning } from './events/issues';

// Events: types.
export type {
  ServerEvent,
  ServerEventType,
  ServerEventMap,
  UnknownServerEvent,
  ErrorObject,
} from './events/server-events';
export type {
  ClientEvent,
  ClientEventInput,
  ClientEventType,
  ClientEventMap,
  ClientEventInputMap,
  UnknownClientEvent,
} from './events/client-events';
export type {
  RealtimeSessionConfig,
  TranscriptionSessionConfig,
  SessionConfig,
  ServerSession,
  UnknownServerSession,
  Prompt,
  KnownRealtimeModel,
} from './events/session';
export type {
  KnownVoice,
  Voice,
  AudioFormat,
  TurnDetection,
  TranscriptionConfig,
  NoiseReduction,
  KnownTranscriptionModel,
} from './events/audio';
export type { ConversationItem, UnknownItem, ConversationItemInput, MessageItem, ItemReference } from './events/items';
export type {
  ReasoningItem,
  FunctionCallItem,
  FunctionCallOutputItem,
  McpCallItem,
  McpListToolsItem,
  McpApprovalRequestItem,
  McpApprovalResponseItem,
} from './events/tool-items';
export type { ContentPart, UnknownContentPart, ContentPartInput } from './events/content-parts';
export type { ResponseCreateParams, ResponseObject, ResponseStatusDetails, Usage } from './events/response';
export type { FunctionTool } from './events/tools';
