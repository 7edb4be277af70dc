import { describe, expectTypeOf, it } from 'vitest';
import { hasType, normalizeSessionConfig, parseClientEvent, parseServerEvent, serializeClientEvent } from '../../src/events';
import type {
  AudioFormat,
  ClientEvent,
  ClientEventInput,
  ClientEventMap,
  ClientEventParseResult,
  ContentPart,
  ConversationItem,
  FunctionCallItem,
  MessageItem,
  ReasoningItem,
  RealtimeSessionConfig,
  ServerEvent,
  ServerEventMap,
  ServerEventParseResult,
  ServerEventType,
  TranscriptionSessionConfig,
  TurnDetection,
  UnknownContentPart,
  UnknownItem,
  UnknownServerEvent,
  UnknownServerSession,
  Usage,
  Voice,
} from '../../src/events';
import type { RealtimeError } from '../../src/base/errors';
import type { KnownMember } from '../../src/events/primitives';

describe('public event types', () => {
  it('ServerEvent narrows on type, and the map agrees with Extract', () => {
    expectTypeOf<ServerEventMap['response.output_audio.delta']>().toEqualTypeOf<Extract<ServerEvent, { type: 'response.output_audio.delta' }>>();
    expectTypeOf<ServerEventMap['response.output_audio.delta']['delta']>().toEqualTypeOf<string>();
    expectTypeOf<ServerEventMap['response.done']['response']['usage']>().toEqualTypeOf<Usage | null | undefined>();
    expectTypeOf<ServerEventMap['error']['error']['code']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<ServerEventType>().toExtend<string>();
    expectTypeOf<'response.output_audio.delta'>().toExtend<ServerEventType>();
    expectTypeOf<'response.audio.delta'>().not.toExtend<ServerEventType>();
  });

  it('parse results narrow to a known event, an unknown event or an error', () => {
    const result = parseServerEvent('{}');
    expectTypeOf(result).toEqualTypeOf<ServerEventParseResult>();
    if (result.ok && result.known) {
      expectTypeOf(result.event).toEqualTypeOf<ServerEvent>();
      if (result.event.type === 'conversation.item.added') expectTypeOf(result.event.item).toEqualTypeOf<ConversationItem>();
    } else if (result.ok) {
      expectTypeOf(result.event).toEqualTypeOf<UnknownServerEvent>();
    } else {
      expectTypeOf(result.error).toEqualTypeOf<RealtimeError>();
    }
    expectTypeOf(parseClientEvent).returns.toEqualTypeOf<ClientEventParseResult>();
    expectTypeOf(parseServerEvent).parameter(0).toExtend<string | ArrayBuffer | Uint8Array | object>();
  });

  it('ClientEventInput has an optional event_id, ClientEvent a required one', () => {
    expectTypeOf<{ type: 'input_audio_buffer.commit' }>().toExtend<ClientEventInput>();
    expectTypeOf<{ type: 'input_audio_buffer.commit' }>().not.toExtend<ClientEvent>();
    expectTypeOf<ClientEventMap['response.cancel']['event_id']>().toEqualTypeOf<string>();
    expectTypeOf(serializeClientEvent).parameter(0).toEqualTypeOf<ClientEventInput>();
    // Strict: an unknown field in an event literal is a type error too.
    // @ts-expect-error `extra` is not a field of input_audio_buffer.append
    const withExtra: ClientEventInput = { type: 'input_audio_buffer.append', audio: '', extra: 1 };
    expectTypeOf(withExtra).toEqualTypeOf<ClientEventInput>();
  });

  it('session config, voices, formats and turn detection', () => {
    expectTypeOf<{ type: 'realtime'; audio: { output: { voice: 'marin' } } }>().toExtend<RealtimeSessionConfig>();
    expectTypeOf<{ audio: { output: { voice: 'marin' } } }>().not.toExtend<RealtimeSessionConfig>();
    expectTypeOf<{ type: 'transcription'; audio: { input: { format: { type: 'audio/pcmu' } } } }>().toExtend<TranscriptionSessionConfig>();
    expectTypeOf<'marin'>().toExtend<Voice>();
    expectTypeOf<'my-custom-voice'>().toExtend<Voice>();
    expectTypeOf<{ id: 'voice_123' }>().toExtend<Voice>();
    expectTypeOf<{ type: 'audio/pcm'; rate: 24000 }>().toExtend<AudioFormat>();
    expectTypeOf<{ type: 'audio/pcm'; rate: 16000 }>().not.toExtend<AudioFormat>();
    expectTypeOf<{ type: 'semantic_vad'; eagerness: 'high' }>().toExtend<TurnDetection>();
    // @ts-expect-error semantic_vad has no threshold
    const semantic: TurnDetection = { type: 'semantic_vad', threshold: 0.5 };
    expectTypeOf(semantic).toEqualTypeOf<TurnDetection>();
    expectTypeOf(normalizeSessionConfig({ voice: 'sage', temperature: 0.8 }).session).toEqualTypeOf<RealtimeSessionConfig>();
    expectTypeOf(normalizeSessionConfig({ type: 'transcription' }).session).toEqualTypeOf<TranscriptionSessionConfig>();
  });

  it('server content parts include the beta-era types, and any other type as a generic member', () => {
    expectTypeOf<KnownMember<ContentPart>['type']>().toEqualTypeOf<
      'input_text' | 'input_audio' | 'input_image' | 'output_text' | 'output_audio' | 'text' | 'audio'
    >();
    expectTypeOf<UnknownContentPart>().toEqualTypeOf<{ [field: string]: unknown; type: string }>();
  });

  it('items and sessions of unknown types are typed generic members; hasType narrows to the known one', () => {
    expectTypeOf<UnknownItem>().toEqualTypeOf<{ [field: string]: unknown; type: string }>();
    expectTypeOf<UnknownServerSession>().toEqualTypeOf<{ [field: string]: unknown; type: string }>();
    expectTypeOf<KnownMember<ConversationItem>['type']>().toEqualTypeOf<
      'message' | 'reasoning' | 'function_call' | 'function_call_output' | 'mcp_call' | 'mcp_list_tools' | 'mcp_approval_request' | 'mcp_approval_response'
    >();
    const item = {} as ConversationItem;
    if (hasType(item, 'function_call')) expectTypeOf(item).toEqualTypeOf<FunctionCallItem>();
    if (hasType(item, 'reasoning')) expectTypeOf(item).toEqualTypeOf<ReasoningItem>();
    expectTypeOf<MessageItem['role']>().toExtend<string>();
    expectTypeOf<'developer'>().toExtend<MessageItem['role']>();
  });
});
