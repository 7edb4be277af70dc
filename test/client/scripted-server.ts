import type { WebSocket } from 'ws';
import { startLoopbackServer } from '../helpers/loopback';

/** A client event as the scripted server received it. */
export type ReceivedEvent = { type: string; event_id?: string } & Record<string, unknown>;

/** Options of {@link startScriptedServer}. */
export interface ScriptedServerOptions {
  /** The `session` of `session.created` (exact frames, e.g. from the official examples). */
  created?: Record<string, unknown>;
  /** Answers a client event; return true when handled (no default answer). */
  onEvent?: (event: ReceivedEvent, reply: (frame: Record<string, unknown>) => void) => boolean | void;
}

/** A raw loopback server that speaks exact frames: for shapes and timings the mock does not produce. */
export interface ScriptedServer {
  url: string;
  received: ReceivedEvent[];
  /** Sends a frame to every open connection. */
  send: (frame: Record<string, unknown>) => void;
  /** Drops every open connection abruptly (1006, no close frame). */
  drop: () => void;
  /** Resolves once an event of this type (and, optionally, matching) has been received. */
  waitFor: (type: string, match?: (event: ReceivedEvent) => boolean, timeoutMs?: number) => Promise<ReceivedEvent>;
  stop: () => Promise<void>;
}

/**
 * Starts a raw WebSocket server on loopback that sends `session.created`, confirms each
 * `session.update` with `session.updated` (echoing the session it was given) and lets a test
 * script the rest frame by frame.
 */
export async function startScriptedServer(options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const received: ReceivedEvent[] = [];
  const sockets = new Set<WebSocket>();
  const listeners = new Set<() => void>();
  let counter = 0;
  const created = options.created ?? { type: 'realtime', object: 'realtime.session', id: 'sess_scripted', model: 'gpt-realtime-2.1', output_modalities: ['audio'] };
  const { url, stop } = await startLoopbackServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const reply = (frame: Record<string, unknown>): void => {
      counter += 1;
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ event_id: `event_s${counter}`, ...frame }));
    };
    reply({ type: 'session.created', session: created });
    socket.on('message', (data) => {
      const event = JSON.parse(String(data)) as ReceivedEvent;
      received.push(event);
      for (const listener of [...listeners]) listener();
      if (options.onEvent?.(event, reply) === true) return;
      if (event.type === 'session.update') reply({ type: 'session.updated', session: { ...created, ...(event.session as object) } });
    });
  });
  return {
    url,
    received,
    send: (frame) => {
      counter += 1;
      for (const socket of sockets) socket.send(JSON.stringify({ event_id: `event_s${counter}`, ...frame }));
    },
    drop: () => {
      for (const socket of sockets) socket.terminate();
    },
    waitFor: (type, match = () => true, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = received.find((event) => event.type === type && match(event));
          if (!found) return false;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`the server did not receive ${type} within ${timeoutMs} ms`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    stop: async () => {
      listeners.clear();
      await stop();
    },
  };
}
