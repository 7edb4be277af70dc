/**
 * The relay's part of the forward-compatibility suite (issue 12): every known server event, in
 * every variant the API may send next month (unknown fields at every level, unknown items,
 * content parts, roles, statuses and session types: test/helpers/unknown-shapes.ts), passes the
 * relay whole and in order, and the usage of every `response.done` is still counted.
 */
import { describe, expect, it } from 'vitest';
import type { Usage } from '../../src/events';
import { officialExamples } from '../events/examples';
import { allUnknownShapes, unknownShapeVariants, type JsonObject } from '../helpers/unknown-shapes';
import { RelayClient, startRelay } from './harness';
import { startScriptedUpstream } from './scripted-upstream';
import { useCleanup } from '../helpers/index';

const { stoppers: cleanups } = useCleanup();

describe('relay: forward compatibility of server events', () => {
  it('forwards every known server event with unknown nested shapes whole, in order, and counts the usage of each response.done', async () => {
    const upstream = await startScriptedUpstream();
    cleanups.push(() => upstream.stop());
    const { relay, url } = await startRelay(upstream.url);
    cleanups.push(() => relay.close({ drainMs: 0 }));
    const usages: Array<Usage | null | undefined> = [];
    relay.on('usage', (event) => usages.push(event.usage));
    const client = await RelayClient.connect(url);
    cleanups.push(() => client.close());
    await client.next('session.created');
    const connection = await upstream.nextConnection();

    const sent: Array<JsonObject & { type: string }> = [];
    for (const { example } of officialExamples().filter((entry) => entry.dir === 'server')) {
      const base = example as JsonObject & { type: string };
      for (const variant of [...[...unknownShapeVariants(base)].map((v) => v.event), allUnknownShapes(base)]) {
        // The relay's own event ids mark answers to its own events; keep the examples' ids clear of them.
        const event = { ...variant, event_id: `evt_fc_${sent.length}` };
        sent.push(event);
        connection.send(event);
      }
    }
    connection.send({ type: 'voxwire_test.marker', event_id: 'evt_fc_end' });
    await client.next((event) => event.event_id === 'evt_fc_end', 10_000);

    const received = client.events.filter((event) => typeof event.event_id === 'string' && event.event_id.startsWith('evt_fc_') && event.event_id !== 'evt_fc_end');
    expect(received.map((event) => event.event_id)).toEqual(sent.map((event) => event.event_id));
    expect(received).toEqual(sent);
    const dones = sent.filter((event) => event.type === 'response.done');
    expect(dones.length).toBeGreaterThan(0);
    expect(usages).toHaveLength(dones.length);
    const withUsage = dones.filter((event) => typeof (event.response as JsonObject | undefined)?.usage === 'object' && (event.response as JsonObject).usage !== null);
    expect(usages.filter((usage) => usage !== null && usage !== undefined)).toHaveLength(withUsage.length);
    expect(client.closeInfo).toBeUndefined();
  });
});
