import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { IncomingMessage } from 'node:http';

/**
 * A bare WebSocket server on 127.0.0.1, port 0, for tests that need a server behaving in a
 * way the mock does not (rejecting a config, sending garbage). Returns its URL and a stopper.
 */
export async function startLoopbackServer(
  onConnection: (socket: WebSocket, request: IncomingMessage) => void,
  options: {
    handleProtocols?: (protocols: Set<string>) => string | false;
    /** Refuses an upgrade: return an HTTP status to answer instead of 101 (ws `verifyClient`). */
    refuseUpgrade?: (request: IncomingMessage) => number | undefined;
  } = {},
): Promise<{ url: string; stop: () => Promise<void> }> {
  const { refuseUpgrade, ...serverOptions } = options;
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    ...serverOptions,
    ...(refuseUpgrade === undefined
      ? {}
      : {
          verifyClient: (info: { req: IncomingMessage }, done: (result: boolean, code?: number) => void) => {
            const status = refuseUpgrade(info.req);
            done(status === undefined, status);
          },
        }),
  });
  server.on('connection', onConnection);
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}/v1/realtime`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

/** A minimal GA `session.created` for loopback servers. */
export function sessionCreated(id = 'sess_loopback'): string {
  return JSON.stringify({
    type: 'session.created',
    event_id: 'event_1',
    session: { type: 'realtime', object: 'realtime.session', id, model: 'gpt-realtime-2.1', output_modalities: ['audio'] },
  });
}
