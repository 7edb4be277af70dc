/**
 * The GA event protocol: schemas, inferred types, parse / serialize and the legacy-config
 * shim. Explicit names only, grouped by topic; the root barrel re-exports from here.
 */

// Parse and serialize.
export { parseServerEvent, parseClientEvent } from './parse';
export type { ParseOptions, ParseResult, ServerEventParseResult, ClientEventParseResult } from './parse';
export { serializeClientEvent } from './serialize';
export type { SerializeOptions } from './serialize';
export type { ClientEventWarning } from './issues';
export { createEventId } from './event-id';
export type { EventIdGenerator } from './event-id';
export type { FrameData } from './frame';

// Session config and the legacy shim.
export { normalizeSessionConfig } from './legacy-session';
export type { NormalizedSessionConfig, NormalizeSessionConfigOptions } from './legacy-session';
export { sessionConfigInputSchema, transcriptionSessionConfigInputSchema } from './session-input';
export type { SessionConfigInput, TranscriptionSessionConfigInput } from './session-input';
export {
  realtimeSessionConfigSchema,
  transcriptionSessionConfigSchema,
  sessionConfigSchema,
  serverSessionSchema,
  promptSchema,
  reasoningSchema,
  tracingSchema,
  truncationSchema,
} from './session';
export type {
  RealtimeSessionConfig,
  TranscriptionSessionConfig,
  SessionConfig,
  ServerSession,
  UnknownServerSession,
  Prompt,
  KnownRealtimeModel,
} from './session';

// Backend-mediated calls (server-forwarded WebRTC offers, SIP).
export { callCreateParamsSchema, callReferParamsSchema, callRejectParamsSchema } from './calls';
export type { CallCreateParams, CallReferParams, CallRejectParams } from './calls';

// Audio settings.
export {
  KNOWN_VOICES,
  voiceSchema,
  audioFormatSchema,
  turnDetectionSchema,
  transcriptionConfigSchema,
  noiseReductionSchema,
} from './audio';
export type {
  KnownVoice,
  Voice,
  AudioFormat,
  TurnDetection,
  TranscriptionConfig,
  NoiseReduction,
  KnownTranscriptionModel,
} from './audio';

// Tools.
export { toolSchema, functionToolSchema, mcpToolSchema, toolChoiceSchema, MCP_CONNECTOR_IDS } from './tools';
export type { Tool, FunctionTool, McpTool, ToolChoice } from './tools';

// Items and content parts.
export {
  conversationItemSchema,
  conversationItemInputSchema,
  contentPartSchema,
  contentPartInputSchema,
  itemReferenceSchema,
  reasoningItemSchema,
} from './items';
export type {
  ConversationItem,
  UnknownItem,
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
  ConversationItemInput,
  ContentPartInput,
  ItemReference,
} from './items';

export { hasType } from './has-type';

// Responses.
export { responseCreateParamsSchema, responseObjectSchema, usageSchema } from './response';
export type { ResponseCreateParams, ResponseObject, ResponseStatusDetails, Usage } from './response';

// Server events.
export { serverEventSchemas, SERVER_EVENT_TYPES, errorObjectSchema } from './server-events';
export type { ServerEvent, ServerEventType, ServerEventMap, UnknownServerEvent, ErrorObject } from './server-events';

// Client events.
export { clientEventSchemas, CLIENT_EVENT_TYPES } from './client-events';
export type {
  ClientEvent,
  ClientEventInput,
  ClientEventType,
  ClientEventMap,
  ClientEventInputMap,
  UnknownClientEvent,
} from './client-events';
