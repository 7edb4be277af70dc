/**
 * Loopback plumbing for the relay's integration tests: a relay in front of an upstream, and the
 * raw test client (test/helpers) pointed at it.
 */
import { silentLogger, type Logger } from '../../src/base/logger';
import { createRelay, type NodeRelay } from '../../src/server/node/create-relay';
import type { CreateRelayOptions } from '../../src/server/node/create-relay-options';
import type { RelayIdentity } from '../../src/server/core/relay-options';
import { RawClient } from '../helpers/index';

export type { AnyEvent } from '../helpers/index';

/** The server key used upstream in the tests; no frame to a client may contain it. */
export const SECRET_KEY = 'sk-test-SECRET-relay-key-0123456789';

/** Starts a relay on 127.0.0.1, port 0, with a token-in-query authenticate (`?token=user:<id>`). */
export async function startRelay(
  upstreamUrl: string,
  options: Partial<CreateRelayOptions<RelayIdentity>> = {},
): Promise<{ relay: NodeRelay; url: string; port: number }> {
  const relay = createRelay({
    upstream: { url: upstreamUrl, apiKey: SECRET_KEY, model: 'gpt-realtime-2.1' },
    authenticate: (request) => {
      const token = new URL(request.url).searchParams.get('token');
      if (token === null) return null;
      if (token === 'banned') return new Response('account suspended', { status: 403 });
      return { userId: token.startsWith('user:') ? token.slice(5) : token };
    },
    logger: silentLogger,
    pingIntervalMs: Infinity,
    ...options,
  });
  const { url, port } = await relay.listen(0, { host: '127.0.0.1', metricsPath: '/metrics' });
  return { relay, url, port };
}

/** The raw test client pointed at a relay: authenticated as `?token=user:alice` unless told otherwise. */
export const RelayClient = {
  connect: (url: string, query = '?token=user:alice', headers: Record<string, string> = {}): Promise<RawClient> => RawClient.connect(url, { query, headers }),
};
export type RelayClient = RawClient;

/** Base64 of `ms` milliseconds of 24 kHz PCM16 (a quiet tone, so it is not all zeros). */
export function pcmChunk(ms: number, seed = 0): string {
  const samples = ms * 24;
  const buffer = Buffer.alloc(samples * 2);
  for (let index = 0; index < samples; index += 1) buffer.writeInt16LE(Math.round(200 * Math.sin((index + seed) / 10)), index * 2);
  return buffer.toString('base64');
}

/** Plain HTTP GET against the relay. */
export async function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: await response.text() };
}

/** One line a {@link recordingLogger} kept. */
export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  details?: Record<string, unknown>;
}

/** A logger that keeps every line, for tests that check what the relay logged. */
export function recordingLogger(): Logger & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const log = (level: LoggedLine['level']) => (message: string, details?: Record<string, unknown>) => {
    lines.push({ level, message, ...(details === undefined ? {} : { details }) });
  };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
