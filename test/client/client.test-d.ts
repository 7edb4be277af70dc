import { describe, expectTypeOf, it } from 'vitest';
import type {
  ClientState,
  ConversationEntry,
  InterruptionInfo,
  RealtimeError,
  ServerEventMap,
  ToolCallInfo,
  TranscriptUpdate,
  UsageInfo,
} from '../../src/index';
import { RealtimeClient, WebSocketTransport, defineTool } from '../../src/index';
import { z } from 'zod';

describe('RealtimeClient public types', () => {
  const client = new RealtimeClient({ transport: new WebSocketTransport({ apiKey: async () => 'ek_x' }) });

  it('types lifecycle events by short name', () => {
    client.on('state', (state, previous) => {
      expectTypeOf(state).toEqualTypeOf<ClientState>();
      expectTypeOf(previous).toEqualTypeOf<ClientState>();
      if (state.status === 'reconnecting') {
        expectTypeOf(state.attempt).toBeNumber();
        expectTypeOf(state.nextDelayMs).toBeNumber();
      }
    });
    client.on('transcript', (update) => expectTypeOf(update).toEqualTypeOf<TranscriptUpdate>());
    client.on('interrupted', (info) => expectTypeOf(info).toEqualTypeOf<InterruptionInfo>());
    client.on('usage', (usage) => expectTypeOf(usage).toEqualTypeOf<UsageInfo>());
    client.on('error', (error) => {
      expectTypeOf(error).toEqualTypeOf<RealtimeError>();
      expectTypeOf(error.code).toBeString();
    });
    client.on('toolCall', (event) => expectTypeOf(event).toEqualTypeOf<ToolCallInfo>());
  });

  it('types wire events by their wire name, except error (which is the lifecycle error)', () => {
    client.on('response.done', (event) => {
      expectTypeOf(event).toEqualTypeOf<ServerEventMap['response.done']>();
      expectTypeOf(event.response.status).not.toBeAny();
    });
    client.on('response.output_audio.delta', (event) => expectTypeOf(event.delta).toBeString());
    // @ts-expect-error: unknown event names are refused
    client.on('response.audio.delta', () => undefined);
  });

  it('exposes typed state, conversation and usage', () => {
    expectTypeOf(client.state).toEqualTypeOf<ClientState>();
    expectTypeOf(client.conversation.entries).toEqualTypeOf<readonly ConversationEntry[]>();
    expectTypeOf(client.usage.estimatedCostUsd).toBeNumber();
    expectTypeOf(client.sendText).returns.toBeString();
    expectTypeOf(client.interrupt).returns.resolves.toEqualTypeOf<InterruptionInfo>();
  });

  it('checks session config shapes at compile time', () => {
    new RealtimeClient({ session: { instructions: 'x', audio: { output: { voice: 'marin' } }, output_modalities: ['audio'] } });
    // @ts-expect-error: output_modalities takes 'text' | 'audio'
    new RealtimeClient({ session: { output_modalities: ['video'] } });
  });

  it('infers tool arguments from the schema', () => {
    const tool = defineTool({
      name: 'get_weather',
      description: 'Weather for a city.',
      parameters: z.object({ location: z.string(), unit: z.enum(['c', 'f']).default('c') }),
      execute: async (args) => {
        expectTypeOf(args).toEqualTypeOf<{ location: string; unit: 'c' | 'f' }>();
        return args.location;
      },
    });
    client.tools.add(tool);
  });
});
