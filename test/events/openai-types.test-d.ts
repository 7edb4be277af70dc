import type {
  ConversationItem as TheirConversationItem,
  RealtimeClientEvent,
  RealtimeResponseCreateParamsWithReferencesParam,
  RealtimeServerEvent,
  RealtimeSessionCreateRequest,
  RealtimeTranscriptionSessionCreateRequest,
  ResponseCreateEventWithReferencesParam,
} from 'openai/resources/realtime/realtime';
import type { RealtimeSessionCreateResponse, RealtimeTranscriptionSessionCreateResponse } from 'openai/resources/realtime/client-secrets';
import type { CallAcceptParams, CallCreateParams as TheirCallCreateParams, CallReferParams as TheirCallReferParams, CallRejectParams as TheirCallRejectParams } from 'openai/resources/realtime/calls';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  CallCreateParams,
  CallReferParams,
  CallRejectParams,
  ClientEventInputMap,
  ClientEventType,
  ConversationItem,
  ConversationItemInput,
  RealtimeSessionConfig,
  ResponseCreateParams,
  ServerEventMap,
  ServerEventType,
  ServerSession,
  TranscriptionSessionConfig,
} from '../../src/events';
import type { Coverage, Narrower } from './type-compat';

type TheirClientEventMap = { [Event in RealtimeClientEvent as Event['type']]: Event };
type TheirServerEventMap = { [Event in RealtimeServerEvent as Event['type']]: Event };

describe('the comparison machinery finds real problems', () => {
  it('reports missing keys, refused values, refused nulls and missing variants, by path', () => {
    expectTypeOf<Coverage<{ a: string; b: number }, { a: string }>>().toEqualTypeOf<'b: missing'>();
    expectTypeOf<Coverage<{ a: { b: 'x' | 'y' } }, { a: { b: 'x' } }>>().toEqualTypeOf<'a.b: value not accepted'>();
    expectTypeOf<Coverage<{ a?: string | null }, { a?: string }>>().toEqualTypeOf<'a: value not accepted'>();
    expectTypeOf<Coverage<{ a?: string }, { a: string }>>().toEqualTypeOf<never>();
    expectTypeOf<Coverage<{ list: ({ type: 'p'; x: 1 } | { type: 'q' })[] }, { list: { type: 'p'; x: 1 }[] }>>().toEqualTypeOf<
      'list(type q): variant missing'
    >();
    expectTypeOf<Coverage<{ a: string }, { a: string; [key: string]: unknown }>>().toEqualTypeOf<never>();
    expectTypeOf<Coverage<{ a: string; b: string }, { a: string; [key: string]: unknown }>>().toEqualTypeOf<'b: missing'>();
    expectTypeOf<Narrower<{ a: string; c: 1 }, { a: 'x' }>>().toEqualTypeOf<'a: we allow values they do not' | 'c: field they do not have'>();
  });
});

describe('client events: what the openai types allow, our strict schemas accept', () => {
  it('covers the same event types', () => {
    expectTypeOf<keyof TheirClientEventMap>().toEqualTypeOf<ClientEventType>();
  });

  it('every key and value of every client event (incl. response.create with item references)', () => {
    type Problems = {
      [Type in ClientEventType]: Coverage<TheirClientEventMap[Type], ClientEventInputMap[Type], Type>;
    }[ClientEventType];
    expectTypeOf<Problems>().toEqualTypeOf<never>();
    expectTypeOf<Coverage<ResponseCreateEventWithReferencesParam, ClientEventInputMap['response.create']>>().toEqualTypeOf<never>();
  });

  it('the session configs, items and response.create params on their own', () => {
    expectTypeOf<Coverage<RealtimeSessionCreateRequest, RealtimeSessionConfig>>().toEqualTypeOf<never>();
    expectTypeOf<Coverage<RealtimeTranscriptionSessionCreateRequest, TranscriptionSessionConfig>>().toEqualTypeOf<never>();
    expectTypeOf<Coverage<TheirConversationItem, ConversationItemInput>>().toEqualTypeOf<never>();
    expectTypeOf<Coverage<RealtimeResponseCreateParamsWithReferencesParam, ResponseCreateParams>>().toEqualTypeOf<never>();
  });

  it('a valid reasoning or parallel_tool_calls is accepted', () => {
    expectTypeOf<{ type: 'realtime'; reasoning: { effort: 'low' }; parallel_tool_calls: true }>().toExtend<RealtimeSessionConfig>();
    expectTypeOf<{ reasoning: { effort: 'xhigh' }; parallel_tool_calls: false }>().toExtend<ResponseCreateParams>();
  });
});

describe('client events: what we let through, the openai types know', () => {
  it('no field or value beyond theirs (nulls aside: the API turns settings off with null)', () => {
    type Problems = {
      [Type in ClientEventType]: Narrower<ClientEventInputMap[Type], TheirClientEventMap[Type] | (Type extends 'response.create' ? ResponseCreateEventWithReferencesParam : never), Type>;
    }[ClientEventType];
    expectTypeOf<Problems>().toEqualTypeOf<never>();
  });
});

describe('server events: every field the openai types define is typed in our schemas', () => {
  it('covers the same event types', () => {
    expectTypeOf<keyof TheirServerEventMap>().toEqualTypeOf<ServerEventType>();
  });

  it('every key and value of every server event', () => {
    type Problems = {
      [Type in ServerEventType]: Coverage<TheirServerEventMap[Type], ServerEventMap[Type], Type>;
    }[ServerEventType];
    expectTypeOf<Problems>().toEqualTypeOf<never>();
  });

  it('items and the session as the client-secret endpoint reports it', () => {
    expectTypeOf<Coverage<TheirConversationItem, ConversationItem>>().toEqualTypeOf<never>();
    expectTypeOf<Coverage<RealtimeSessionCreateResponse | RealtimeTranscriptionSessionCreateResponse, ServerSession>>().toEqualTypeOf<never>();
  });
});

describe('backend-mediated calls: the bodies the openai types describe, our schemas accept', () => {
  it('create, accept, refer and reject', () => {
    expectTypeOf<Coverage<TheirCallCreateParams, CallCreateParams>>().toEqualTypeOf<never>();
    expectTypeOf<Coverage<CallAcceptParams, RealtimeSessionConfig>>().toEqualTypeOf<never>();
    expectTypeOf<Coverage<TheirCallReferParams, CallReferParams>>().toEqualTypeOf<never>();
    expectTypeOf<Coverage<TheirCallRejectParams, CallRejectParams>>().toEqualTypeOf<never>();
  });
});
