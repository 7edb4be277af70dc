/**
 * A trusted server beside a GPT-Live session (`wss://…/v1/live/sessions/{id}/attach`): it
 * sees every event of the session (a WebRTC browser's or a SIP call's), runs server-side tools
 * from the same `defineTool` registry as everywhere else when the Responses backend calls them
 * (each answered with `response.item.create`, then one `response.create` once the delegation's
 * calls are all answered), and enforces a time limit by closing the session.
 */
import type { Clock } from '../../base/clock';
import { systemClock } from '../../base/clock';
import { RealtimeError } from '../../base/errors';
import { consoleLogger, type Logger } from '../../base/logger';
import { parseLiveServerEvent, serializeLiveClientEvent } from '../../events/live/parse';
import type { LiveClientEvent } from '../../events/live/client-events';
import type { LiveCloseReason, LiveServerEvent, UnknownLiveServerEvent } from '../../events/live/server-events';
import type { AnyTool } from '../../tools/define-tool';
import { errorToolOutput, serializeToolResult } from '../../tools/tool-output';
import { DEFAULT_API_BASE_URL } from '../../base/defaults';
import type { ApiKeyProvider } from '../../transport/transport';
import { bearerAuth, createUpstream, defaultUpstreamSocket, type Upstream, type UpstreamConnection, type UpstreamSocketFactory } from '../upstream';

/** Options of {@link attachLiveSideband}. */
export interface LiveSidebandOptions {
  /** The server's OpenAI API key, or a function returning it. */
  apiKey: ApiKeyProvider;
  /** The Live session to attach to (`live_…`, from `createLiveSessionHandler`'s `onSession` or a SIP webhook). */
  sessionId: string;
  /** The REST base; the sideband URL is its WebSocket form plus `/live/sessions/{id}/attach`. @default 'https://api.openai.com/v1' */
  baseUrl?: string;
  /** Server-side tools, run when the Responses backend calls them by name; other calls are left alone. @default [] */
  tools?: readonly AnyTool[];
  /** Ends the session this long after attaching (see `onLimit`). @default undefined (no limit) */
  maxDurationMs?: number;
  /**
   * How the session ends at `maxDurationMs` (for a SIP call, `/hangup` releases the line at
   * once instead of after the session drains).
   * @default sends `session.close`
   */
  onLimit?: () => void | Promise<void>;
  /** A tool call that runs longer is answered with an error output. @default 30_000 */
  toolTimeoutMs?: number;
  /** Sees every server event after the sideband handled it. Errors it throws are logged. @default undefined */
  onEvent?: (event: LiveServerEvent | UnknownLiveServerEvent) => void;
  /** Opens the socket (Workers, proxies). @default the `ws` package in Node, else the global WebSocket */
  createSocket?: UpstreamSocketFactory;
  /** Where problems are logged. @default consoleLogger */
  logger?: Logger;
  /** Timers. @default the system clock */
  clock?: Clock;
  /**
   * A browser's WebRTC session can be attached to only once its peer has connected (the API
   * announces it with `live.transport.connected`): a failed attach is tried again every
   * 250 ms for this long. Do not await such an attach in
   * `createLiveSessionHandler`'s `onSession`: the browser gets its answer after it.
   * @default 0 (one attempt)
   */
  attachTimeoutMs?: number;
}

/** How often an attach to a Live session that is not active yet is tried again, in ms. */
const LIVE_ATTACH_RETRY_MS = 250;

/**
 * Dials a sideband, trying a failed connection again every 250 ms
 * until `attachTimeoutMs` has passed (a WebRTC session is attachable once its peer connected).
 */
export async function dialWhenActive(upstream: Upstream<undefined>, clock: Clock, attachTimeoutMs: number): Promise<UpstreamConnection> {
  const deadline = clock.now() + attachTimeoutMs;
  for (;;) {
    try {
      return await upstream.dial(undefined);
    } catch (error) {
      const retry = error instanceof RealtimeError && error.code === 'VOXWIRE_CONNECTION_FAILED' && clock.now() + LIVE_ATTACH_RETRY_MS <= deadline;
      if (!retry) throw error;
      await new Promise<void>((resolve) => clock.setTimeout(() => resolve(), LIVE_ATTACH_RETRY_MS));
    }
  }
}

/** An attached sideband. */
export interface LiveSideband {
  /** Sends a command to the session (a thinking append, a `session.update`...). */
  send(event: LiveClientEvent): void;
  /** Asks the session to close (`session.close`). */
  close(): void;
  /** Resolves when the sideband's connection ended: the `session.closed` reason, or `undefined` if it ended without one. */
  readonly ended: Promise<LiveCloseReason | string | undefined>;
}

const DEFAULT_TOOL_TIMEOUT_MS = 30_000;

/** Nested Responses events that end a delegated response. */
const RESPONSE_ENDS: ReadonlySet<string> = new Set(['response.completed', 'response.done', 'response.failed', 'response.incomplete', 'response.cancelled']);

/**
 * The sideband URL of a Live session: the REST base's WebSocket form plus
 * `/live/sessions/{id}/attach`.
 *
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` when `sessionId` is not a session id.
 */
export function attachUrlOf(caller: string, baseUrl: string | undefined, sessionId: unknown): string {
  if (typeof sessionId !== 'string' || !/^[A-Za-z0-9_-]+$/.test(sessionId)) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${caller}: \`sessionId\` must be a Live session id (live_…).`, { path: 'sessionId' });
  }
  const base = new URL((baseUrl ?? DEFAULT_API_BASE_URL).replace(/\/+$/, ''));
  base.protocol = base.protocol === 'http:' ? 'ws:' : 'wss:';
  return `${base.toString().replace(/\/+$/, '')}/live/sessions/${sessionId}/attach`;
}

/**
 * Attaches to a running Live session as a trusted server.
 *
 * @example
 * ```ts
 * const sideband = await attachLiveSideband({ apiKey: process.env.OPENAI_API_KEY!, sessionId, tools: [lookupOrder], maxDurationMs: 10 * 60_000 });
 * ```
 */
export async function attachLiveSideband(options: LiveSidebandOptions): Promise<LiveSideband> {
  const url = attachUrlOf('attachLiveSideband', options?.baseUrl, options?.sessionId);
  const logger = options.logger ?? consoleLogger;
  const clock = options.clock ?? systemClock;
  const connection = await dialWhenActive(createUpstream({ url, auth: bearerAuth(options.apiKey), createSocket: options.createSocket ?? defaultUpstreamSocket, clock }), clock, options.attachTimeoutMs ?? 0);
  const socket = connection.socket;
  const tools = new Map((options.tools ?? []).map((tool) => [tool.name, tool]));
  const toolTimeoutMs = options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  /**
   * The server tools' calls of each delegation: those running, and those still streaming their
   * arguments (added, not done). The one `response.create` goes out when neither is left: a call
   * answered at once must not continue the response while the next call is still streaming.
   */
  const pending = new Map<string, { running: Set<string>; streaming: Set<string> }>();
  const callsOf = (delegation: string): { running: Set<string>; streaming: Set<string> } => {
    let calls = pending.get(delegation);
    if (!calls) pending.set(delegation, (calls = { running: new Set(), streaming: new Set() }));
    return calls;
  };
  const continueIfAnswered = (delegation: string): void => {
    const calls = pending.get(delegation);
    if (calls === undefined || calls.running.size > 0 || calls.streaming.size > 0) return;
    pending.delete(delegation);
    send({ type: 'response.create' });
  };
  const controllers = new Set<AbortController>();
  let closedReason: string | undefined;
  let ended = false;

  const send = (event: LiveClientEvent): void => {
    if (ended) return;
    socket.send(serializeLiveClientEvent(event));
  };

  const run = async (delegation: string, item: { call_id: string; name: string; arguments?: unknown; id?: unknown }, responseId: string): Promise<void> => {
    const tool = tools.get(item.name)!;
    const controller = new AbortController();
    controllers.add(controller);
    const timer = clock.setTimeout(() => controller.abort(new Error(`the tool ran longer than ${toolTimeoutMs} ms`)), toolTimeoutMs);
    let output: string;
    try {
      const parsed = await tool.parseArguments(typeof item.arguments === 'string' ? item.arguments : '{}');
      if (!parsed.ok) {
        output = errorToolOutput(`invalid arguments: ${parsed.issues.join('; ')}`);
      } else {
        const aborted = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true }));
        const context = { callId: item.call_id, itemId: typeof item.id === 'string' ? item.id : item.call_id, responseId, signal: controller.signal, conversation: { entries: [], get: () => undefined }, send: () => false };
        const result = await Promise.race([Promise.resolve((tool.execute as (args: unknown, context: unknown) => unknown)(parsed.args, context)), aborted]);
        const serialized = serializeToolResult(result);
        output = serialized.ok ? serialized.output : errorToolOutput(serialized.reason);
      }
    } catch (error) {
      output = errorToolOutput(error instanceof Error ? error.message : String(error));
    } finally {
      clock.clearTimeout(timer);
      controllers.delete(controller);
    }
    send({ type: 'response.item.create', item: { type: 'function_call_output', call_id: item.call_id, output } });
    pending.get(delegation)?.running.delete(item.call_id);
    continueIfAnswered(delegation);
  };

  const atLimit = (): void => {
    if (options.onLimit === undefined) return send({ type: 'session.close' });
    Promise.resolve()
      .then(options.onLimit)
      .catch((error: unknown) => {
        logger.warn('attachLiveSideband: ending the session at its time limit failed; sending session.close', { sessionId: options.sessionId, error: error instanceof Error ? error.message : String(error) });
        send({ type: 'session.close' });
      });
  };
  const limit = options.maxDurationMs === undefined ? undefined : clock.setTimeout(atLimit, options.maxDurationMs);
  let resolveEnded: (reason: string | undefined) => void = () => undefined;
  const endedPromise = new Promise<string | undefined>((resolve) => (resolveEnded = resolve));

  connection.handOver(
    (frame) => {
      const result = parseLiveServerEvent(frame);
      if (!result.ok) {
        logger.warn('attachLiveSideband: an invalid frame from the Live API', { sessionId: options.sessionId, error: result.error.message });
        return;
      }
      const event = result.event;
      const known = result.known ? (result.event as LiveServerEvent) : undefined;
      if (known?.type === 'session.closed') closedReason = known.reason;
      const nestedType = known?.type === 'response.event' ? known.event.type : undefined;
      // A response that ended (or failed) waits for nothing more: a call that never finished streaming is forgotten.
      if (known?.type === 'response.event' && nestedType !== undefined && RESPONSE_ENDS.has(nestedType)) pending.delete(typeof known.delegation_id === 'string' ? known.delegation_id : '');
      if (known?.type === 'response.event' && (nestedType === 'response.output_item.added' || nestedType === 'response.output_item.done')) {
        const item = (known.event as { item?: { type?: unknown; id?: unknown; call_id?: unknown; name?: unknown } }).item;
        if (item?.type === 'function_call' && typeof item.call_id === 'string' && typeof item.name === 'string' && tools.has(item.name)) {
          const delegation = typeof known.delegation_id === 'string' ? known.delegation_id : '';
          const calls = callsOf(delegation);
          if (nestedType === 'response.output_item.added') {
            calls.streaming.add(item.call_id);
          } else if (!calls.running.has(item.call_id)) {
            calls.streaming.delete(item.call_id);
            calls.running.add(item.call_id);
            const responseId = (known.event as { response_id?: unknown }).response_id;
            void run(delegation, item as { call_id: string; name: string }, typeof responseId === 'string' ? responseId : '');
          }
        }
      }
      try {
        options.onEvent?.(event);
      } catch (error) {
        logger.warn('attachLiveSideband: onEvent threw', { error: error instanceof Error ? error.message : String(error) });
      }
    },
    () => {
      ended = true;
      if (limit !== undefined) clock.clearTimeout(limit);
      for (const controller of controllers) controller.abort(new Error('the Live session ended'));
      resolveEnded(closedReason);
    },
  );

  return {
    send,
    close: () => send({ type: 'session.close' }),
    ended: endedPromise,
  };
}
