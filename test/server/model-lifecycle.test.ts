import { describe, expect, it } from 'vitest';
import { RealtimeClient } from '../../src/client/client';
import { systemClock, type Clock } from '../../src/base/clock';
import { CLOSE_CODES } from '../../src/base/errors';
import type { Logger } from '../../src/base/logger';
import { silentLogger } from '../../src/base/logger';
import type { ModelWarning } from '../../src/base/models';
import { RelayCore } from '../../src/server/core/relay-core';
import type { RelayCoreOptions } from '../../src/server/core/relay-options';
import { useCleanup } from '../helpers/index';
import { FakeClock } from '../helpers/fake-clock';
import { FakeSocket, frame } from './fakes';
import { startRelay } from './harness';

const { stoppers, startMock } = useCleanup();
const info = { remoteAddress: '127.0.0.1' };

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug: () => undefined, info: () => undefined, warn: (message) => warnings.push(message), error: () => undefined };
}

function makeCore(iso: string, options: Partial<RelayCoreOptions> = {}) {
  const logger = recordingLogger();
  const core = new RelayCore({ model: 'gpt-realtime-2.1', authenticate: () => ({ userId: 'u1' }), logger, clock: new FakeClock(Date.parse(iso)), ...options });
  return { core, logger };
}

async function open(core: RelayCore, query = '') {
  const admission = await core.admit(new Request(`http://relay.test/realtime${query}`), info);
  if (admission.status !== 'accepted') throw new Error(`not accepted: ${JSON.stringify(admission)}`);
  const client = new FakeSocket();
  const upstream = new FakeSocket();
  return { session: core.open(admission.ticket, client, upstream), client, upstream };
}

describe('model lifecycle in the relay', () => {
  it('refuses a session whose upstream model or ?model= is shut down, with an error naming the replacement and close 4004', async () => {
    for (const [options, query] of [
      [{ model: 'gpt-realtime-mini' }, ''],
      [{}, '?model=gpt-realtime-2025-08-28'],
    ] as const) {
      const { core, logger } = makeCore('2027-01-20T00:00:00Z', options);
      const admission = await core.admit(new Request(`http://relay.test/realtime${query}`), info);
      expect(admission).toMatchObject({ status: 'refused', closeCode: CLOSE_CODES.policyViolation, errorCode: 'VOXWIRE_MODEL_SHUT_DOWN', reason: 'model' });
      if (admission.status !== 'refused') continue;
      expect(admission.message).toMatch(/was shut down on 2027-01-20 .* use `gpt-realtime-2\.1(-mini)?` instead/);
      const client = new FakeSocket();
      core.refuse(admission, client);
      expect(client.events()[0]).toMatchObject({ type: 'error', error: { code: 'VOXWIRE_MODEL_SHUT_DOWN', message: admission.message } });
      expect(client.closed).toEqual({ code: CLOSE_CODES.policyViolation, reason: 'model shut down' });
      expect(logger.warnings).toHaveLength(1);
    }
  });

  it('refuses a locked transcription model past its shutdown', async () => {
    const { core } = makeCore('2027-02-26T00:00:00Z', { policy: { session: { audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' } } } } } });
    const admission = await core.admit(new Request('http://relay.test/realtime'), info);
    expect(admission).toMatchObject({ status: 'refused', errorCode: 'VOXWIRE_MODEL_SHUT_DOWN' });
  });

  it('tells every client within 60 days (voxwire.model.deprecated) and logs once per model', async () => {
    const { core, logger } = makeCore('2026-12-31T00:00:00Z', { model: 'gpt-realtime' });
    const first = await open(core);
    const second = await open(core);
    for (const { client } of [first, second]) {
      expect(client.ofType('voxwire.model.deprecated')).toEqual([
        {
          type: 'voxwire.model.deprecated',
          event_id: expect.stringMatching(/^vxr_/),
          model: 'gpt-realtime',
          shutdown_date: '2027-01-20',
          days_left: 20,
          replacement: 'gpt-realtime-2.1',
          message: 'Model `gpt-realtime` shuts down on 2027-01-20 (in 20 days, announced by OpenAI): move to `gpt-realtime-2.1`.',
        },
      ]);
    }
    expect(logger.warnings).toEqual(['relay: Model `gpt-realtime` shuts down on 2027-01-20 (in 20 days, announced by OpenAI): move to `gpt-realtime-2.1`.']);
  });

  it('refuses a session.update naming a shut-down model, warns about one shutting down, passes an unknown one', async () => {
    const { core } = makeCore('2027-02-01T00:00:00Z');
    const { session, client, upstream } = await open(core);
    session.handleClientFrame(frame({ type: 'session.update', event_id: 'evt_a', session: { type: 'realtime', model: 'gpt-realtime' } }));
    expect(client.ofType('error')[0]).toMatchObject({ error: { code: 'VOXWIRE_MODEL_SHUT_DOWN', param: 'session.model', event_id: 'evt_a' } });
    expect(String((client.ofType('error')[0]?.error as { message: string }).message)).toContain('use `gpt-realtime-2.1` instead');
    session.handleClientFrame(frame({ type: 'session.update', event_id: 'evt_b', session: { type: 'realtime', audio: { input: { transcription: { model: 'whisper-1' } } } } }));
    expect(client.ofType('voxwire.model.deprecated')).toMatchObject([{ model: 'whisper-1', days_left: 25, replacement: 'gpt-live-transcribe' }]);
    session.handleClientFrame(frame({ type: 'session.update', event_id: 'evt_c', session: { type: 'realtime', model: 'gpt-realtime-5' } }));
    expect(upstream.ofType('session.update').map((event) => event.event_id)).toEqual(['evt_b', 'evt_c']);
    expect(client.ofType('error')).toHaveLength(1);
  });

  it("reaches a RealtimeClient through a real relay as its modelWarning event", async () => {
    const { url: upstreamUrl } = await startMock();
    const at = Date.parse('2027-01-05T12:00:00Z') - Date.now();
    const dated: Clock = { ...systemClock, now: () => Date.now() + at };
    const { relay, url } = await startRelay(upstreamUrl, { upstream: { url: upstreamUrl, apiKey: 'sk-test', model: 'gpt-realtime-mini' }, clock: dated });
    stoppers.push(() => relay.close({ drainMs: 0 }));
    const client = new RealtimeClient({ url: `${url}?token=user:alice`, apiKey: 'unused', logger: silentLogger, reconnect: false });
    stoppers.push(() => client.disconnect());
    const warnings: ModelWarning[] = [];
    client.on('modelWarning', (warning) => warnings.push(warning));
    await client.connect();
    expect(warnings).toEqual([{ model: 'gpt-realtime-mini', shutdownDate: '2027-01-20', daysLeft: 14, replacement: 'gpt-realtime-2.1-mini', source: 'relay' }]);
  });
});
