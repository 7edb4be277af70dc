import type { WebSocket } from 'ws';
import { startLoopbackServer } from '../helpers/loopback';

/** A Live client event as the scripted server received it, with the path it arrived on. */
export type ReceivedLiveEvent = { type: string; event_id?: string; path: string } & Record<string, unknown>;

/** A raw loopback server speaking GPT-Live frame by frame: the tests script what the mock does not. */
export interface ScriptedLiveServer {
  /** `ws://127.0.0.1:port/v1/live/sessions`. */
  url: string;
  received: ReceivedLiveEvent[];
  /** The ids of the sessions started, in order. */
  sessions: string[];
  /** Sends a frame to every open connection. */
  send: (frame: Record<string, unknown>) => void;
  /** Drops every open connection abruptly (1006, no close frame). */
  drop: () => void;
  /** Resolves once an event of this type (and, optionally, matching) has arrived. */
  waitFor: (type: string, match?: (event: ReceivedLiveEvent) => boolean, timeoutMs?: number) => Promise<ReceivedLiveEvent>;
  stop: () => Promise<void>;
}

/** Options of {@link startScriptedLiveServer}. */
export interface ScriptedLiveServerOptions {
  /**
   * Answers a client event; return true when handled (no default answer). Frames replied inside
   * `together` leave in one TCP write, so the client reads them in one network chunk.
   */
  onEvent?: (event: ReceivedLiveEvent, reply: (frame: Record<string, unknown>) => void, together: (send: () => void) => void) => boolean | void;
  /** Refuses the WebSocket upgrade to a path with this HTTP status (e.g. a fork of a session that was not stored). */
  refuseUpgrade?: (path: string) => number | undefined;
}

/**
 * Starts a raw Live WebSocket server on loopback: it answers `session.start` with
 * `session.started` (a new `live_…` id each time), acknowledges appends with `*.appended`
 * (echoing `client_event_id`), `session.update` with `session.updated` and `session.close` with
 * `session.closed`; everything else is scripted by the test.
 */
export async function startScriptedLiveServer(options: ScriptedLiveServerOptions = {}): Promise<ScriptedLiveServer> {
  const received: ReceivedLiveEvent[] = [];
  const sessions: string[] = [];
  const sockets = new Set<WebSocket>();
  const listeners = new Set<() => void>();
  let counter = 0;
  let timelineMs = 0;
  const { url, stop } = await startLoopbackServer((socket, request) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const path = request.url ?? '';
    let session: Record<string, unknown> = {};
    const reply = (frame: Record<string, unknown>): void => {
      counter += 1;
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ event_id: `event_s${counter}`, ...frame }));
    };
    const together = (send: () => void): void => {
      // `ws` corks around each frame; corked around both, they go out in one write.
      const raw = (socket as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
      raw.cork();
      try {
        send();
      } finally {
        raw.uncork();
      }
    };
    socket.on('message', (data) => {
      const event: ReceivedLiveEvent = { ...(JSON.parse(String(data)) as ReceivedLiveEvent), path };
      received.push(event);
      for (const listener of [...listeners]) listener();
      if (options.onEvent?.(event, reply, together) === true) return;
      const answer = { client_event_id: event.event_id };
      if (event.type === 'session.start') {
        const id = `live_scripted${sessions.length + 1}`;
        sessions.push(id);
        session = { model: 'gpt-live-1', ...(event.session as object), id, status: 'active', expires_at: 2_000_000_000 };
        reply({ type: 'session.started', ...answer, session });
      } else if (event.type === 'session.update') {
        reply({ type: 'session.updated', ...answer, session });
      } else if (/^session\.(instructions|thinking|commentary)\.append$/.test(event.type)) {
        timelineMs += 100;
        reply({ type: event.type.replace(/append$/, 'appended'), ...answer, start_ms: timelineMs, end_ms: timelineMs });
      } else if (event.type === 'session.close') {
        reply({ type: 'session.closed', ...answer, reason: 'close_requested', session, usage: { seconds: 42 } });
        socket.close(1000);
      }
    });
  }, options.refuseUpgrade === undefined ? {} : { refuseUpgrade: (request) => options.refuseUpgrade?.(request.url ?? '') });
  return {
    url: url.replace('/v1/realtime', '/v1/live/sessions'),
    received,
    sessions,
    send: (frame) => {
      counter += 1;
      for (const socket of sockets) socket.send(JSON.stringify({ event_id: `event_s${counter}`, ...frame }));
    },
    drop: () => {
      for (const socket of sockets) socket.terminate();
    },
    waitFor: (type, match, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = received.find((event) => event.type === type && (match?.(event) ?? true));
          if (!found) return false;
          listeners.delete(listener);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const listener = (): void => void check();
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`scripted Live server: no ${type} within ${timeoutMs} ms`));
        }, timeoutMs);
        listeners.add(listener);
        check();
      }),
    stop,
  };
}
