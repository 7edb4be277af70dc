/**
 * The mock's part of the forward-compatibility suite (issue 12): every client event, in every
 * variant a newer client may send (unknown fields at every level, unknown items, content parts,
 * roles, statuses and session types: test/helpers/unknown-shapes.ts), is answered (done, or
 * refused with the API's error naming the event) and never stalls or breaks the session: the
 * next event is answered as usual, and the mock never reports a failure of its own.
 */
import { describe, expect, it } from 'vitest';
import { officialExamples } from '../../events/examples';
import { allUnknownShapes, unknownShapeVariants, type JsonObject } from '../../helpers/unknown-shapes';
import { connect, startServer, useMockServerCleanup } from '../harness';

useMockServerCleanup();

const clientExamples = officialExamples().filter((entry) => entry.dir === 'client' && entry.in_sdk_union !== false);

describe('mock: forward compatibility of client events', () => {
  it.each(clientExamples.map((entry, index) => [`${entry.type} #${index}`, entry.example] as const))('%s with unknown shapes never stalls the session', async (_name, example) => {
    const { server, url } = await startServer({ defaultReply: { text: 'Fine.' } });
    const client = await connect(url);
    const base = example as JsonObject & { type: string };
    const variants = [...[...unknownShapeVariants(base)].map((variant) => variant.event), allUnknownShapes(base)];
    expect(variants.length).toBeGreaterThan(0);
    for (const [index, variant] of variants.entries()) {
      const eventId = `evt_variant_${index}`;
      client.send({ ...variant, event_id: eventId });
      // A probe the mock answers at once: it proves the variant was handled and the session goes on.
      client.send({ type: 'input_audio_buffer.clear', event_id: `evt_probe_${index}` });
      await client.next('input_audio_buffer.cleared');
    }
    const mockFailures = client.events.filter((event) => event.type === 'error' && event.error.type === 'server_error');
    expect(mockFailures).toEqual([]);
    // A refusal names the refused event, as the API's errors do.
    for (const error of client.events.filter((event) => event.type === 'error')) expect(error.error.event_id).toMatch(/^evt_variant_\d+$/);
    expect(server.openConnections).toBe(1);
    expect(client.invalid).toEqual([]);
  });
});
