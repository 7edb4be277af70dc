import type {
  ClientEvent,
  ForkSessionConfig,
  ServerEvent,
  SessionConfig,
  SessionResource,
  SessionUpdateConfig,
} from 'openai/resources/live/live';
import type { ConnectClientEvent, ConnectServerEvent } from 'openai/resources/live/sideband/sideband';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  LiveClientEventMap,
  LiveForkSessionConfig,
  LiveServerEventMap,
  LiveSessionConfig,
  LiveSessionResource,
  LiveSessionUpdate,
} from '../../src/events/live';
import type { Coverage, Narrower } from './type-compat';

type TheirClient = ClientEvent | ConnectClientEvent;
type TheirServer = ServerEvent | ConnectServerEvent;
type TheirClientEventMap = { [Event in TheirClient as Event['type']]: Extract<TheirClient, { type: Event['type'] }> };
type TheirServerEventMap = { [Event in TheirServer as Event['type']]: Extract<TheirServer, { type: Event['type'] }> };
type ClientType = keyof LiveClientEventMap;
type ServerType = keyof LiveServerEventMap;

/**
 * Payloads the Live service hands to another API, which validates them: hosted Responses tools,
 * `tool_choice` objects, Responses input items other than a function call output or a message,
 * Decision questions and items. Our schemas pass them through whole (see src/events/live/).
 */
type PassedThrough =
  | `${string}.tools${string}`
  | `${string}tool_choice${string}`
  | `${string}questions${string}`
  | `decision.item.create.item${string}`
  | `response.item.create.item${string}`;

describe('Live events against the openai types (resources/live)', () => {
  it('cover the same client and server event types, primary and sideband', () => {
    expectTypeOf<keyof TheirClientEventMap>().toEqualTypeOf<ClientType>();
    expectTypeOf<keyof TheirServerEventMap>().toEqualTypeOf<ServerType>();
  });

  it('accept every client event the openai types allow, and send nothing they do not know', () => {
    type Accepted = { [Type in ClientType]: Coverage<TheirClientEventMap[Type], LiveClientEventMap[Type], Type> }[ClientType];
    type Beyond = { [Type in ClientType]: Narrower<LiveClientEventMap[Type], TheirClientEventMap[Type], Type> }[ClientType];
    expectTypeOf<Exclude<Accepted, PassedThrough>>().toEqualTypeOf<never>();
    expectTypeOf<Exclude<Beyond, PassedThrough>>().toEqualTypeOf<never>();
    expectTypeOf<Exclude<Coverage<SessionConfig, LiveSessionConfig>, PassedThrough>>().toEqualTypeOf<never>();
    expectTypeOf<Exclude<Coverage<SessionUpdateConfig, LiveSessionUpdate>, PassedThrough>>().toEqualTypeOf<never>();
    expectTypeOf<Exclude<Coverage<ForkSessionConfig, LiveForkSessionConfig>, PassedThrough>>().toEqualTypeOf<never>();
    expectTypeOf<Exclude<Narrower<LiveSessionConfig, SessionConfig>, PassedThrough>>().toEqualTypeOf<never>();
  });

  it('type every field of every server event and of the session resource', () => {
    type Problems = { [Type in ServerType]: Coverage<TheirServerEventMap[Type], LiveServerEventMap[Type], Type> }[ServerType];
    expectTypeOf<Problems>().toEqualTypeOf<never>();
    expectTypeOf<Coverage<SessionResource, LiveSessionResource>>().toEqualTypeOf<never>();
  });
});
