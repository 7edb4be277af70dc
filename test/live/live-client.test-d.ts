import { describe, expectTypeOf, it } from 'vitest';
import type { RealtimeError } from '../../src/base/errors';
import type { LiveUsageTotals } from '../../src/base/usage';
import type { ClientState } from '../../src/client/client-events';
import type { LiveServerEventMap, LiveSessionResource } from '../../src/events/live';
import type { ToolCallInfo } from '../../src/tools/tool-events';
import type { LiveAppended, LiveDelegationResult, LiveInterruptionInfo, LiveTranscriptDelta, LiveTurn } from '../../src/live/index';
import { LiveClient } from '../../src/live/index';

describe('LiveClient public types', () => {
  const client = new LiveClient({ apiKey: 'sk-test' });

  it('types lifecycle events by short name and wire events by wire name', () => {
    client.on('state', (state, previous) => {
      expectTypeOf(state).toEqualTypeOf<ClientState>();
      expectTypeOf(previous).toEqualTypeOf<ClientState>();
    });
    client.on('session', (session) => expectTypeOf(session).toEqualTypeOf<LiveSessionResource>());
    client.on('transcript', (update) => expectTypeOf(update).toEqualTypeOf<LiveTranscriptDelta>());
    client.on('turn', (turn) => expectTypeOf(turn).toEqualTypeOf<LiveTurn>());
    client.on('interrupted', (info) => expectTypeOf(info).toEqualTypeOf<LiveInterruptionInfo>());
    client.on('delegationResult', (result) => expectTypeOf(result).toEqualTypeOf<LiveDelegationResult>());
    client.on('usage', (usage) => expectTypeOf(usage).toEqualTypeOf<LiveUsageTotals>());
    client.on('error', (error) => expectTypeOf(error).toEqualTypeOf<RealtimeError>());
    client.on('toolCall', (event) => expectTypeOf(event).toEqualTypeOf<ToolCallInfo>());
    client.on('session.delegation.created', (event) => expectTypeOf(event).toEqualTypeOf<LiveServerEventMap['session.delegation.created']>());
    client.on('response.event', (event) => expectTypeOf(event.event.type).toBeString());
    client.on('*', (event) => expectTypeOf(event.type).toBeString());
  });

  it('takes only what GPT-Live can change mid-session, and typed appends', () => {
    expectTypeOf(client.updateDelegation).parameter(0).toHaveProperty('delegation');
    // @ts-expect-error instructions are fixed at start: appendInstructions adds to them.
    void client.updateDelegation({ instructions: 'New.' });
    expectTypeOf(client.appendCommentary('x', { delegationId: 'del_1' })).resolves.toEqualTypeOf<LiveAppended[]>();
    expectTypeOf(client.transcript.turns).toEqualTypeOf<LiveTurn[]>();
    expectTypeOf(client.usage.estimatedCostUsd).toBeNumber();
  });

  it('needs no model (gpt-live-1 by default) and refuses a Realtime-only field', () => {
    new LiveClient({ session: { instructions: 'Be brief.' } });
    // @ts-expect-error output_modalities is Realtime; Live speaks.
    new LiveClient({ session: { output_modalities: ['text'] } });
  });
});
