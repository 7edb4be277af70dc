/**
 * The Node adapter of the phone bridge: accepts the provider's media WebSocket (Twilio Media
 * Streams by default) on an HTTP server's upgrades at `path` with `ws`, and runs one
 * {@link MediaStreamCall} per connection, dialing the Realtime API with the server's key.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { DEFAULT_MEDIA_STREAM_PATH, DEFAULT_REALTIME_URL } from '../../base/defaults';
import { RealtimeError } from '../../base/errors';
import type { ApiKeyProvider } from '../../transport/transport';
import type { RelayIdentity } from '../core/relay-options';
import { MediaStreamCall, type MediaStreamBridgeOptions } from '../telephony/media-stream-bridge';
import { bearerAuth, createUpstream, type Upstream, type UpstreamHeaders } from '../upstream';
import { wsUpstream } from './ws-upstream';

/** Options of {@link createMediaStreamServer}. */
export interface MediaStreamServerOptions<Identity extends RelayIdentity = RelayIdentity> extends Omit<MediaStreamBridgeOptions<Identity>, 'upstream'> {
  /** The server's API key (or a function returning it), for the default upstream. Required unless `upstream` or `auth` is given. */
  apiKey?: ApiKeyProvider;
  /**
   * Auth headers of the upstream handshake (Azure's `api-key`, an Entra bearer): wins over `apiKey`.
   * @default bearerAuth(apiKey)
   */
  auth?: UpstreamHeaders<Identity>;
  /** The Realtime WebSocket endpoint (`?model=` is added). @default 'wss://api.openai.com/v1/realtime' */
  url?: string;
  /** A ready upstream instead (`createUpstream`): wins over `apiKey`, `auth` and `url`. @default undefined */
  upstream?: Upstream<Identity>;
  /** The upgrade path of the provider's WebSocket. @default '/media-stream' */
  path?: string;
  /** Called with every call as its WebSocket connects (listen for `dtmf`, `interrupted`, `ended`). @default undefined */
  onCall?: (call: MediaStreamCall<Identity>) => void;
}

type WsModule = typeof import('ws');

async function loadWs(): Promise<WsModule> {
  try {
    const module = (await import('ws')) as WsModule & { default?: WsModule };
    return module.WebSocketServer !== undefined ? module : (module.default as WsModule);
  } catch (cause) {
    throw new RealtimeError('VOXWIRE_NO_WEBSOCKET', 'voxwire/server/node needs the `ws` package: npm install ws', { cause });
  }
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** The provider-facing WebSocket server of the phone bridge. */
export class MediaStreamServer<Identity extends RelayIdentity = RelayIdentity> {
  /** The upgrade path. */
  readonly path: string;
  readonly #options: MediaStreamServerOptions<Identity>;
  readonly #wss: Promise<{ wss: WebSocketServer; upstream: Upstream<Identity> }>;
  readonly #calls = new Set<MediaStreamCall<Identity>>();
  readonly #attached: Array<{ server: Server; listener: (request: IncomingMessage, socket: Duplex, head: Buffer) => void }> = [];

  constructor(options: MediaStreamServerOptions<Identity>) {
    if (options.upstream === undefined && options.auth === undefined && typeof options.apiKey !== 'string' && typeof options.apiKey !== 'function') {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'createMediaStreamServer(): give `apiKey` (or `auth`, or `upstream`).', { path: 'apiKey' });
    }
    this.#options = options;
    this.path = options.path ?? DEFAULT_MEDIA_STREAM_PATH;
    this.#wss = loadWs().then((ws) => ({
      wss: new ws.WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false }),
      upstream:
        options.upstream ??
        createUpstream<Identity>({
          url: options.url ?? DEFAULT_REALTIME_URL,
          query: { model: options.relay.settings.model },
          auth: options.auth ?? (bearerAuth(options.apiKey as ApiKeyProvider) as UpstreamHeaders<Identity>),
          createSocket: wsUpstream(ws.WebSocket),
          clock: options.relay.settings.clock,
        }),
    }));
    this.#wss.catch(() => undefined);
  }

  /** Calls in progress. */
  get calls(): MediaStreamCall<Identity>[] {
    return [...this.#calls];
  }

  /** Serves the bridge on a server's upgrades at `path`; other paths are left to other listeners. */
  attach(server: Server): this {
    const listener = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
      if (new URL(request.url ?? '/', 'http://localhost').pathname !== this.path) return;
      void this.handleUpgrade(request, socket, head);
    };
    server.on('upgrade', listener);
    this.#attached.push({ server, listener });
    return this;
  }

  /** Completes one upgrade and runs the call on it. */
  async handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    let ready: { wss: WebSocketServer; upstream: Upstream<Identity> };
    try {
      ready = await this.#wss;
    } catch (error) {
      this.#options.relay.settings.logger.error('media stream: ws is not installed', { error: error instanceof Error ? error.message : String(error) });
      socket.destroy();
      return;
    }
    ready.wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      const call = new MediaStreamCall<Identity>(
        {
          send: (text) => {
            if (ws.readyState === ws.OPEN) ws.send(text);
          },
          close: (code, reason) => {
            if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
          },
        },
        { ...this.#options, upstream: ready.upstream },
      );
      this.#calls.add(call);
      call.once('ended', () => this.#calls.delete(call));
      ws.on('message', (data: RawData, isBinary: boolean) => {
        if (!isBinary) call.handleProviderFrame(textOf(data));
      });
      ws.on('close', () => call.handleProviderClose());
      ws.on('error', () => undefined);
      this.#options.onCall?.(call);
    });
  }

  /** Stops listening on attached servers and hangs up every call. */
  async close(): Promise<void> {
    for (const { server, listener } of this.#attached.splice(0)) server.off('upgrade', listener);
    for (const call of [...this.#calls]) call.hangup();
    const ready = await this.#wss.catch(() => undefined);
    ready?.wss.close();
  }
}

/**
 * The phone bridge for Node: Twilio Media Streams (or another adapter) to the Realtime API.
 *
 * @example
 * ```ts
 * const relay = new RelayCore({ model: 'gpt-realtime-2.1', authenticate: () => null, policy: { serverTools: [lookupOrder] } });
 * const bridge = createMediaStreamServer({ relay, apiKey: process.env.OPENAI_API_KEY!, path: '/twilio/media' }).attach(server);
 * ```
 */
export function createMediaStreamServer<Identity extends RelayIdentity = RelayIdentity>(options: MediaStreamServerOptions<Identity>): MediaStreamServer<Identity> {
  return new MediaStreamServer(options);
}
