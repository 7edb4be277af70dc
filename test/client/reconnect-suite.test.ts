/**
 * The reconnect suite (issue 13): a text conversation over the real MockRealtimeServer,
 * interrupted by 100+ seeded random drops (right after `sendText`, or after the n-th server
 * event of a turn). Whatever the drop points, the final transcript equals a run without drops:
 * no message lost, none duplicated, every message delivered, and the server never saw a
 * request it had to refuse (no duplicate item, no second response while one was active).
 */
import { describe, expect, it } from 'vitest';
import { RealtimeClient } from '../../src/client/client';
import { silentLogger } from '../../src/base/logger';
import { exponentialBackoff } from '../../src/client/reconnect';
import { MockRealtimeServer } from '../../src/testing/mock/server';
import { until } from '../helpers/index';
import type { UntilOptions } from '../helpers/index';

const TURNS = 5;
const RUNS = 32;
const DROPS_PER_RUN = 4;
const REPLY = 'Sure.';

/** A seeded linear congruential generator in [0, 1): the same drop points on every run of the suite. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

type DropPoint = { turn: number; afterSend: true } | { turn: number; afterSend: false; afterEvents: number };

/** Re-checks an {@link until} on every client event and state change, and names the state on a timeout. */
function onClientEvents(client: RealtimeClient): UntilOptions {
  return {
    timeoutMs: 8000,
    detail: () => `state ${client.state.status}`,
    wake: (check) => {
      client.on('*', check);
      client.on('state', check);
      return () => {
        client.off('*', check);
        client.off('state', check);
      };
    },
  };
}

function finalTranscript(client: RealtimeClient): string[] {
  return client.conversation.entries.filter((e) => e.type === 'message' && e.status === 'completed').map((e) => `${e.role}: ${e.text}`);
}

async function converse(drops: DropPoint[]): Promise<{ transcript: string[]; dropped: number; server: MockRealtimeServer; client: RealtimeClient }> {
  const server = new MockRealtimeServer({ audioPace: 'instant', defaultReply: { text: REPLY } });
  const { url } = await server.start();
  const client = new RealtimeClient({ url, apiKey: 'sk-test', logger: silentLogger, reconnect: exponentialBackoff({ initialDelayMs: 1, maxDelayMs: 4, jitter: 'none', maxAttempts: 50 }) });
  let dropped = 0;
  try {
    await client.connect();
    for (let turn = 0; turn < TURNS; turn += 1) {
      const planned = drops.filter((drop) => drop.turn === turn);
      let seen = 0;
      const countEvents = (): void => {
        seen += 1;
        for (const drop of planned) {
          if (!drop.afterSend && drop.afterEvents === seen && server.dropConnections() > 0) dropped += 1;
        }
      };
      client.on('*', countEvents);
      const answered = (): boolean => client.state.status === 'connected' && !client.responseActive && client.conversation.entries.filter((e) => e.role === 'assistant' && e.status === 'completed').length === turn + 1;
      client.sendText(`Question ${turn}?`);
      if (planned.some((drop) => drop.afterSend) && server.dropConnections() > 0) dropped += 1;
      await until(answered, `the answer to question ${turn}`, onClientEvents(client));
      client.off('*', countEvents);
    }
    return { transcript: finalTranscript(client), dropped, server, client };
  } finally {
    client.disconnect();
    await server.stop();
  }
}

describe('reconnect suite: random drops lose nothing and duplicate nothing', () => {
  it(`${RUNS * DROPS_PER_RUN} seeded drops over ${RUNS} conversations of ${TURNS} turns`, async () => {
    const reference = await converse([]);
    expect(reference.transcript).toEqual(Array.from({ length: TURNS }, (_, turn) => [`user: Question ${turn}?`, `assistant: ${REPLY}`]).flat());

    const random = seeded(20261206);
    let planned = 0;
    let happened = 0;
    let afterSend = 0;
    for (let run = 0; run < RUNS; run += 1) {
      const drops: DropPoint[] = [];
      for (let i = 0; i < DROPS_PER_RUN; i += 1) {
        const turn = Math.floor(random() * TURNS);
        if (random() < 0.35) {
          drops.push({ turn, afterSend: true });
          afterSend += 1;
        } else drops.push({ turn, afterSend: false, afterEvents: 1 + Math.floor(random() * 14) });
      }
      planned += drops.length;
      const { transcript, dropped, server, client } = await converse(drops);
      happened += dropped;
      expect(transcript, `run ${run}: ${JSON.stringify(drops)}`).toEqual(reference.transcript);
      const entries = client.conversation.entries;
      expect(new Set(entries.map((e) => e.id)).size, `run ${run}: an entry twice`).toBe(entries.length);
      expect(entries.filter((e) => e.role === 'user').map((e) => [e.text, e.delivery])).toEqual(Array.from({ length: TURNS }, (_, turn) => [`Question ${turn}?`, 'delivered']));
      // The server refused nothing: no item created twice in one session, no second response while one was active.
      const errors = server.filter('error', { direction: 'sent' }).map((entry) => JSON.stringify(entry.event));
      expect(errors, `run ${run}`).toEqual([]);
      for (let connection = 0; connection < server.connections.length; connection += 1) {
        const ids = server.filter('conversation.item.create', { direction: 'received', connection }).map((entry) => (entry.event as unknown as { item: { id?: string } }).item.id);
        expect(new Set(ids).size, `run ${run} connection ${connection}: an item sent twice`).toBe(ids.length);
      }
    }
    expect(planned).toBeGreaterThanOrEqual(100);
    // Drops planned after the last event of a turn do not happen; most do.
    expect(happened).toBeGreaterThanOrEqual(100);
    expect(afterSend).toBeGreaterThanOrEqual(20);
  }, 60_000);
});
