import type {
  RealtimeTranslationClientEvent,
  RealtimeTranslationClientSecretCreateRequest,
  RealtimeTranslationServerEvent,
  RealtimeTranslationSession,
  RealtimeTranslationSessionCreateRequest,
  RealtimeTranslationSessionUpdateRequest,
} from 'openai/resources/realtime/realtime';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  TranslationClientEventMap,
  TranslationServerEventMap,
  TranslationSession,
  TranslationSessionCreate,
  TranslationSessionUpdate,
} from '../../src/events/translation';
import type { Coverage, Narrower } from './type-compat';

type TheirClientEventMap = { [Event in RealtimeTranslationClientEvent as Event['type']]: Event };
type TheirServerEventMap = { [Event in RealtimeTranslationServerEvent as Event['type']]: Event };
type ClientType = keyof TranslationClientEventMap;
type ServerType = keyof TranslationServerEventMap;

describe('translation events against the openai types (RealtimeTranslation*)', () => {
  it('cover the same client and server event types', () => {
    expectTypeOf<keyof TheirClientEventMap>().toEqualTypeOf<ClientType>();
    expectTypeOf<keyof TheirServerEventMap>().toEqualTypeOf<ServerType>();
  });

  it('accept every client event the openai types allow, and nothing they do not know', () => {
    type Accepted = { [Type in ClientType]: Coverage<TheirClientEventMap[Type], TranslationClientEventMap[Type], Type> }[ClientType];
    type Beyond = { [Type in ClientType]: Narrower<TranslationClientEventMap[Type], TheirClientEventMap[Type], Type> }[ClientType];
    expectTypeOf<Accepted>().toEqualTypeOf<never>();
    expectTypeOf<Beyond>().toEqualTypeOf<never>();
    expectTypeOf<Coverage<RealtimeTranslationSessionUpdateRequest, TranslationSessionUpdate>>().toEqualTypeOf<never>();
    expectTypeOf<Coverage<RealtimeTranslationSessionCreateRequest, TranslationSessionCreate>>().toEqualTypeOf<never>();
    expectTypeOf<Coverage<RealtimeTranslationClientSecretCreateRequest['session'], TranslationSessionCreate>>().toEqualTypeOf<never>();
  });

  it('type every field of every server event and of the session', () => {
    type Problems = { [Type in ServerType]: Coverage<TheirServerEventMap[Type], TranslationServerEventMap[Type], Type> }[ServerType];
    expectTypeOf<Problems>().toEqualTypeOf<never>();
    expectTypeOf<Coverage<RealtimeTranslationSession, TranslationSession>>().toEqualTypeOf<never>();
  });
});
