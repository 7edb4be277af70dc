/**
 * `voxwire/events`: the GA event protocol for code that validates events itself (a custom
 * relay, a proxy, tests): the zod schemas, the inferred types, parse / serialize, the
 * legacy-config shim and the translation protocol. The root entry (`voxwire`) exports the
 * event types a client app needs but none of this, so importing the root never loads zod.
 * Inside src/ no module imports this barrel: each imports the module that owns the name.
 *
 * @example
 * ```ts
 * import { parseServerEvent, serverEventSchemas } from 'voxwire/events';
 *
 * const result = parseServerEvent(frame);
 * if (result.ok && result.known) console.log(result.event.type);
 * const valid = serverEventSchemas['response.done'].safeParse(JSON.parse(frame)).success;
 * ```
 *
 * @packageDocumentation
 */

// Parse and serialize.
export { parseClientEvent } from './parse';
export { parseServerEvent, serializeClientEvent } from './realtime-codec';
export type { ParseOptions, ParseResult, ServerEventParseResult, ClientEventParseResult } from './parse';
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
export { conversationItemSchema, conversationItemInputSchema, itemReferenceSchema } from './items';
export type { ConversationItem, UnknownItem, MessageItem, ConversationItemInput, ItemReference } from './items';
export { contentPartSchema, contentPartInputSchema } from './content-parts';
export type { ContentPart, UnknownContentPart, ContentPartInput } from './content-parts';
export { reasoningItemSchema } from './tool-items';
export type {
  ReasoningItem,
  FunctionCallItem,
  FunctionCallOutputItem,
  McpCallItem,
  McpListToolsItem,
  McpApprovalRequestItem,
  McpApprovalResponseItem,
} from './tool-items';

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

// Translation sessions (their own protocol).
export {
  parseTranslationServerEvent,
  parseTranslationClientEvent,
  serializeTranslationClientEvent,
  TRANSLATION_SAMPLE_RATE,
} from './translation-parse';
export { translationServerEventSchemas, translationClientEventSchemas } from './translation';
export type {
  TranslationServerEvent,
  TranslationServerEventMap,
  TranslationServerEventType,
  TranslationClientEvent,
  TranslationClientEventMap,
  TranslationSession,
  TranslationSessionUpdate,
  TranslationSessionCreate,
} from './translation';
export type { TranslationServerEventParseResult, UnknownTranslationServerEvent } from './translation-parse';
