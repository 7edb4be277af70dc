/**
 * node-request.ts: an upgrade request as a Web `Request` (what `authenticate` gets in every
 * runtime), and the Fetch API loaded before a Node relay's first upgrade.
 */
import { execFileSync } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connectionInfoOf, toWebRequest } from '../../../src/server/node/node-request';

const CREATE_RELAY = fileURLToPath(new URL('../../../src/server/node/create-relay.ts', import.meta.url));

function incoming(init: { url?: string; method?: string; headers?: Record<string, string | string[] | undefined>; encrypted?: boolean; remoteAddress?: string }): IncomingMessage {
  return {
    url: init.url,
    method: init.method,
    headers: init.headers ?? {},
    socket: { encrypted: init.encrypted, remoteAddress: init.remoteAddress },
  } as unknown as IncomingMessage;
}

describe('toWebRequest', () => {
  it('carries the method, the URL on the Host header and every header value', () => {
    const request = toWebRequest(incoming({ url: '/v1/realtime?model=gpt-realtime&token=t1', method: 'GET', headers: { host: 'relay.example:8080', 'x-forwarded-for': ['10.0.0.1', '10.0.0.2'], authorization: 'Bearer abc', absent: undefined } }));
    expect(request.method).toBe('GET');
    expect(request.url).toBe('http://relay.example:8080/v1/realtime?model=gpt-realtime&token=t1');
    expect(request.headers.get('authorization')).toBe('Bearer abc');
    expect(request.headers.get('x-forwarded-for')).toBe('10.0.0.1, 10.0.0.2');
    expect(request.headers.has('absent')).toBe(false);
  });

  it('uses https behind TLS, localhost without a Host header, and a bad Host does not fail the connect', () => {
    expect(toWebRequest(incoming({ url: '/a', headers: { host: 'secure.example' }, encrypted: true })).url).toBe('https://secure.example/a');
    expect(toWebRequest(incoming({ url: '/b' })).url).toBe('http://localhost/b');
    expect(toWebRequest(incoming({ url: '/c', headers: { host: 'bad host[' } })).url).toBe('http://localhost/c');
    expect(toWebRequest(incoming({})).method).toBe('GET');
  });

  it('leaves out a header value the Fetch API refuses, keeping the others', () => {
    const request = toWebRequest(incoming({ url: '/', headers: { host: 'h', 'x-bad': 'a\u0000b', 'x-good': 'ok' } }));
    expect(request.headers.has('x-bad')).toBe(false);
    expect(request.headers.get('x-good')).toBe('ok');
  });
});

describe('connectionInfoOf', () => {
  it('reads the peer address from the socket when asked', () => {
    const message = incoming({ remoteAddress: '127.0.0.9' });
    const info = connectionInfoOf(message);
    expect(info.remoteAddress).toBe('127.0.0.9');
    (message.socket as { remoteAddress?: string }).remoteAddress = '127.0.0.10';
    expect(info.remoteAddress).toBe('127.0.0.10');
  });
});

describe('a Node relay and the Fetch API', () => {
  // In a process of its own: the test runner has loaded the Fetch API long before.
  it('is loaded once listen() resolves, not in the first client upgrade', () => {
    const script = `
      const loaded = () => process.moduleLoadList.some((name) => name.includes('undici'));
      const before = loaded();
      const { createRelay } = await import(${JSON.stringify(CREATE_RELAY)});
      const relay = createRelay({ upstream: { url: 'ws://127.0.0.1:9/v1/realtime', apiKey: 'sk-test' }, authenticate: () => ({ userId: 'anonymous' }), drainOnSignals: false, logger: { debug() {}, info() {}, warn() {}, error() {} } });
      const afterCreate = loaded();
      await relay.listen(0, { host: '127.0.0.1' });
      const afterListen = loaded();
      await relay.close({ drainMs: 0 });
      process.stdout.write(JSON.stringify({ before, afterListen, afterCreate }));
    `;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    // Loaded with `ws`, after createRelay() returned (the constructor stays synchronous and cheap).
    expect(JSON.parse(output)).toEqual({ before: false, afterListen: true, afterCreate: false });
  });
});
