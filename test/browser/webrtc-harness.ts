/**
 * The WebRTC test rig: the mock Realtime server (WebSocket, WebRTC endpoint, sideband), an
 * "app server" on another loopback origin running the SDK's Web-standard handlers
 * (`createSdpHandler`, `createClientSecretHandler`) exactly as an app would mount them, the
 * test page on a third origin (so CORS is exercised), and headless Chromium with the question
 * clip as its fake microphone. Everything binds 127.0.0.1 port 0 and is closed by `close()`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { createClientSecretHandler } from '../../src/server/http/client-secret';
import type { ClientSecretHandlerOptions } from '../../src/server/http/client-secret';
import { createSdpHandler } from '../../src/server/http/sdp';
import type { SdpHandlerOptions } from '../../src/server/http/sdp';
import { MockRealtimeServer } from '../../src/testing/mock/server';
import type { MockRealtimeServerOptions, MockServerAddress } from '../../src/testing/mock/server-options';
import { fixturePath, launchChromium, serveAudioPage, startTestServer, type LaunchedBrowser, type TestServer } from './harness';
import type { PageConfig, PageSnapshot } from './pages/webrtc-page';
import { until } from '../helpers/index';

/** The server key the app server holds (the mock accepts only it, and keys it minted). */
export const SERVER_KEY = 'sk-test-webrtc-server-key';
/** The app's own user token the page sends (its `authenticate` checks it). */
export const USER_TOKEN = 'app-user-token';

/** A Node request as a Web-standard Request, body included. */
async function toRequest(incoming: IncomingMessage, origin: string): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
  }
  const chunks: Buffer[] = [];
  if (incoming.method !== 'GET' && incoming.method !== 'HEAD' && incoming.method !== 'OPTIONS') for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
  return new Request(new URL(incoming.url ?? '/', origin), { method: incoming.method ?? 'GET', headers, ...(body ? { body } : {}) });
}

async function writeResponse(response: Response, outgoing: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  outgoing.writeHead(response.status, headers);
  outgoing.end(Buffer.from(await response.arrayBuffer()));
}

/** An HTTP server on 127.0.0.1:0 routing paths to Web-standard handlers. */
export async function startAppServer(routes: Record<string, (request: Request) => Promise<Response>>): Promise<{ origin: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  let origin = '';
  const server: Server = createServer((incoming, outgoing) => {
    const path = new URL(incoming.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push(`${incoming.method} ${path}`);
    const route = routes[path];
    if (!route) {
      outgoing.writeHead(404).end();
      return;
    }
    void toRequest(incoming, origin)
      .then(route)
      .then((response) => writeResponse(response, outgoing))
      .catch((error: unknown) => {
        outgoing.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Drives a test page: `call` runs `window.vx.<name>(...args)` (failures carry the browser's
 * console), `until` polls the page's `read()` snapshot until `predicate` holds (bounded).
 */
export function pageDriver<Snapshot>(browser: () => LaunchedBrowser) {
  const call = async <T>(name: string, ...args: unknown[]): Promise<T> => {
    try {
      return (await browser().page.evaluate(({ name: fn, args: list }) => (window as unknown as { vx: Record<string, (...a: unknown[]) => unknown> }).vx[fn]!(...list), { name, args })) as T;
    } catch (error) {
      throw new Error(`page vx.${name} failed: ${error instanceof Error ? error.message : String(error)}\n${browser().logs.slice(-30).join('\n')}`);
    }
  };
  const poll = (predicate: (snapshot: Snapshot) => boolean, what: string, timeoutMs = 20_000): Promise<Snapshot> => {
    let last: Snapshot | undefined;
    return until(
      async () => {
        last = await call<Snapshot>('read');
        return predicate(last) && last;
      },
      what,
      { timeoutMs, intervalMs: 100, detail: () => `${JSON.stringify(last)}\n${browser().logs.slice(-20).join('\n')}` },
    );
  };
  return { call, until: poll };
}

/** Options of {@link startWebRTCRig}. */
export interface WebRTCRigOptions {
  mock?: MockRealtimeServerOptions;
  /** Extra options of the SDP handler (e.g. `sideband`). */
  sdp?: Partial<SdpHandlerOptions>;
  /** Extra options of the key handler. */
  key?: Partial<ClientSecretHandlerOptions>;
  /** Loop the fake microphone (see `LaunchOptions.fakeMicrophoneLoop`). @default false */
  microphoneLoop?: boolean;
}

/** A running rig. */
export interface WebRTCRig {
  mock: MockRealtimeServer;
  address: MockServerAddress;
  app: Awaited<ReturnType<typeof startAppServer>>;
  pages: TestServer;
  browser: LaunchedBrowser;
  page: Page;
  /** The page config for a transport kind. */
  config(kind: 'webrtc-sdp' | 'webrtc-ek' | 'websocket', extra?: Partial<PageConfig>): PageConfig;
  /** Runs `window.vx.<name>(...args)` in the page; failures carry the browser's console. */
  call<T>(name: string, ...args: unknown[]): Promise<T>;
  /** The page's recorded snapshot. */
  read(): Promise<PageSnapshot>;
  /** Polls the snapshot until `predicate` holds (bounded). */
  until(predicate: (snapshot: PageSnapshot) => boolean, what: string, timeoutMs?: number): Promise<PageSnapshot>;
  close(): Promise<void>;
}

const authenticate = (request: Request) => (request.headers.get('authorization') === `Bearer ${USER_TOKEN}` ? { userId: 'user-1' } : null);

/** Starts the mock, the app server, the page server and Chromium. Always `close()` it. */
export async function startWebRTCRig(options: WebRTCRigOptions = {}): Promise<WebRTCRig> {
  const closers: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    for (const closer of closers.splice(0).reverse()) await closer().catch(() => undefined);
  };
  try {
    const mock = new MockRealtimeServer({ auth: { apiKey: SERVER_KEY }, ...options.mock });
    const address = await mock.start();
    closers.push(() => mock.stop());
    const pages = await startTestServer();
    closers.push(() => pages.close());
    await serveAudioPage(pages, 'test/browser/pages/webrtc-page.ts');
    const sdp = createSdpHandler({ apiKey: SERVER_KEY, baseUrl: address.apiBaseUrl, authenticate, origins: [pages.origin], ...options.sdp });
    const key = createClientSecretHandler({ apiKey: SERVER_KEY, baseUrl: address.apiBaseUrl, authenticate, origins: [pages.origin], voices: ['cedar', 'marin'], ...options.key });
    const app = await startAppServer({ '/api/realtime/sdp': sdp, '/api/realtime/key': key });
    closers.push(() => app.close());
    const browser = await launchChromium({ fakeMicrophoneWav: fixturePath('question-48k.wav'), fakeMicrophoneLoop: options.microphoneLoop === true });
    closers.push(() => browser.close());
    // Microphone permission before any offer: without it Chromium hides host candidates behind mDNS names.
    await browser.context.grantPermissions(['microphone'], { origin: pages.origin });
    const { page } = browser;
    await page.goto(`${pages.origin}/`);
    await page.waitForFunction(() => document.title === 'ready');
    const call = async <T>(name: string, ...args: unknown[]): Promise<T> => {
      try {
        return (await page.evaluate(({ name: fn, args: list }) => (window as unknown as { vx: Record<string, (...a: unknown[]) => unknown> }).vx[fn]!(...list), { name, args })) as T;
      } catch (error) {
        throw new Error(`page vx.${name} failed: ${error instanceof Error ? error.message : String(error)}\n${browser.logs.slice(-30).join('\n')}`);
      }
    };
    const read = (): Promise<PageSnapshot> => call<PageSnapshot>('read');
    return {
      mock,
      address,
      app,
      pages,
      browser,
      page,
      config: (kind, extra = {}) => {
        const base: PageConfig =
          kind === 'websocket'
            ? { kind: 'websocket', wsUrl: address.url, keyUrl: `${app.origin}/api/realtime/key` }
            : kind === 'webrtc-sdp'
              ? { kind: 'webrtc', sdpUrl: `${app.origin}/api/realtime/sdp` }
              : { kind: 'webrtc', keyUrl: `${app.origin}/api/realtime/key`, callsUrl: `${address.apiBaseUrl}/realtime/calls` };
        return { ...base, ...extra };
      },
      call,
      read,
      until(predicate, what, timeoutMs = 15_000) {
        let last: PageSnapshot | undefined;
        return until(
          async () => {
            last = await read();
            return predicate(last) && last;
          },
          what,
          {
            timeoutMs,
            intervalMs: 100,
            detail: () => `page state: ${JSON.stringify({ states: last?.states, closes: last?.closes, transcripts: last?.transcripts, errors: last?.errors, events: last?.eventTypes.slice(-15) })}\n${browser.logs.slice(-20).join('\n')}`,
          },
        );
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
