import { describe, expect, it } from 'vitest';
import { RealtimeClient } from '../../src/client/client';
import { systemClock, type Clock } from '../../src/base/clock';
import { isRealtimeError } from '../../src/base/errors';
import type { Logger } from '../../src/base/logger';
import type { ModelWarning } from '../../src/base/models';
import { useCleanup } from '../helpers/index';

const { stoppers, startMock } = useCleanup();

/** Real timers, and a date the test chooses for the lifecycle checks. */
function clockAt(iso: string): Clock {
  const offset = Date.parse(iso) - Date.now();
  return { ...systemClock, now: () => Date.now() + offset };
}

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug: () => undefined, info: () => undefined, warn: (message) => warnings.push(message), error: () => undefined };
}

function newClient(url: string, clock: Clock, extra: Partial<ConstructorParameters<typeof RealtimeClient>[0]> = {}) {
  const logger = recordingLogger();
  const client = new RealtimeClient({ url, apiKey: 'sk-test', logger, clock, reconnect: false, ...extra });
  stoppers.push(() => client.disconnect());
  const warnings: ModelWarning[] = [];
  client.on('modelWarning', (warning) => warnings.push(warning));
  return { client, logger, warnings };
}

describe('model lifecycle in RealtimeClient', () => {
  it('refuses a shut-down model in connect() before any network call, naming the replacement', async () => {
    const { server, url } = await startMock();
    const { client } = newClient(url, clockAt('2027-01-20T00:00:01Z'), { model: 'gpt-realtime' });
    const error = await client.connect().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(isRealtimeError(error, 'VOXWIRE_MODEL_SHUT_DOWN')).toBe(true);
    expect((error as Error).message).toContain('use `gpt-realtime-2.1` instead');
    expect(client.state).toMatchObject({ status: 'closed', error });
    expect(server.connections).toHaveLength(0);
  });

  it('refuses a shut-down transcription model named in the session config', async () => {
    const { server, url } = await startMock();
    const { client } = newClient(url, clockAt('2027-03-01T00:00:00Z'), {
      session: { audio: { input: { transcription: { model: 'whisper-1' } } } },
    });
    const error: unknown = await client.connect().catch((failure: unknown) => failure);
    expect(isRealtimeError(error, 'VOXWIRE_MODEL_SHUT_DOWN')).toBe(true);
    expect((error as { path?: string }).path).toBe('session.audio.input.transcription.model');
    expect((error as Error).message).toContain('`gpt-live-transcribe`');
    expect(server.connections).toHaveLength(0);
  });

  it('warns once (logger and modelWarning) within 60 days of the shutdown, and connects', async () => {
    const { url } = await startMock();
    const { client, logger, warnings } = newClient(url, clockAt('2026-12-21T12:00:00Z'), { model: 'gpt-realtime' });
    await client.connect();
    expect(client.state.status).toBe('connected');
    expect(warnings).toEqual([{ model: 'gpt-realtime', shutdownDate: '2027-01-20', daysLeft: 29, replacement: 'gpt-realtime-2.1', source: 'client' }]);
    expect(logger.warnings.filter((w) => w.includes('gpt-realtime'))).toEqual([
      'Model `gpt-realtime` shuts down on 2027-01-20 (in 29 days, announced by OpenAI): move to `gpt-realtime-2.1`.',
    ]);
    client.disconnect();
    await client.connect();
    expect(warnings).toHaveLength(1);
  });

  it('says nothing for the defaults, a current model, or a model it does not know', async () => {
    const { url } = await startMock();
    for (const model of [undefined, 'gpt-realtime-2.1', 'gpt-realtime-7-preview']) {
      const { client, logger, warnings } = newClient(url, clockAt('2027-06-01T00:00:00Z'), model === undefined ? {} : { model });
      await client.connect();
      expect(client.state.status).toBe('connected');
      expect(warnings).toEqual([]);
      expect(logger.warnings).toEqual([]);
      client.disconnect();
    }
  });
});
