/**
 * Ready conversation flows that every voice app must get right: session set-up, a
 * function-call round trip, an interruption, a drop and recovery, and session expiry. Each is a
 * scenario for the mock server plus a check of what the app did on the wire; run one against
 * your own app code with {@link runFlow}. They use only the wire protocol, so they work for an
 * app built on voxwire's `RealtimeClient`, on another SDK, or behind your relay.
 */

import { RealtimeError, isRealtimeError } from '../../base/errors';
import { matchesPartial } from '../recording/event-log';
import type { EventMatcher, LogEntry, WaitForOptions, WireEvent } from '../recording/event-log';
import type { MockRealtimeServer } from '../mock/server';
import type { MockRealtimeServerOptions } from '../mock/server-options';
import { defineScenario } from '../script/scenario';
import type { Scenario } from '../script/scenario';

/** What a flow's check gets. */
export interface FlowVerifyContext {
  /** The mock server the app talks to (its log is what is checked). */
  server: MockRealtimeServer;
  /** Aborted when the run is abandoned. */
  signal: AbortSignal;
  /** How long the app has for each step the flow waits on. */
  timeoutMs: number;
}

/** A scripted conversation flow and the check of the app's behaviour in it. */
export interface RealtimeFlow {
  /** Short name, used in failure messages. */
  readonly name: string;
  /** What the flow tests and what a correct app does, in a sentence or two. */
  readonly description: string;
  /** What the app under test must do to play its part (connect, start a turn, interrupt...). */
  readonly drive: string;
  /** What the mock server plays. */
  readonly scenario: Scenario;
  /** Mock server options the flow needs (e.g. real-time audio so there is time to interrupt). */
  readonly server: Readonly<Omit<MockRealtimeServerOptions, 'scenario'>>;
  /** The default time for each step. */
  readonly timeoutMs: number;
  /**
   * Waits for the app to play its part and checks it did it right; rejects with a
   * `VOXWIRE_EXPECTATION_FAILED` {@link RealtimeError} that says what went wrong and how to fix it.
   */
  verify(context: FlowVerifyContext): Promise<void>;
}

/** Options every flow takes. */
export interface FlowOptions {
  /**
   * How long the app has for each step of the flow.
   * @default 5000 (15000 for the interruption flow, whose reply plays in real time)
   */
  timeoutMs?: number;
}

/** Options of {@link sessionSetupFlow}. */
export interface SessionSetupFlowOptions extends FlowOptions {
  /**
   * Fields the confirmed session must have (matched partially, as `expectEvent` does), e.g.
   * `{ instructions: 'You are…', audio: { output: { voice: 'marin' } } }`.
   * @default undefined (only validity is checked)
   */
  expectSession?: Record<string, unknown>;
}

/** Options of {@link functionCallFlow}. */
export interface FunctionCallFlowOptions extends FlowOptions {
  /** The name of a tool your app declares. */
  name: string;
  /** The arguments the model calls it with (an object, or a JSON string). @default {} */
  arguments?: Record<string, unknown> | string;
  /** What the model says after the tool's output. @default 'Done.' */
  reply?: string;
}

/** Options of {@link dropAndRecoveryFlow}. */
export interface DropAndRecoveryFlowOptions extends FlowOptions {
  /**
   * Require the app to restore the conversation in the new session (`conversation.item.create`
   * before anything else), as voxwire's client does. A new session starts empty upstream: without
   * it the model forgets everything said before the drop.
   * @default true
   */
  expectContextReplay?: boolean;
}

/** Options of {@link sessionExpiryFlow}. */
export interface SessionExpiryFlowOptions extends FlowOptions {
  /** When the session expires after connecting. @default 1000 */
  expireAfterMs?: number;
  /** How long after the expiry the app must stay away (no new connection). @default 1500 */
  graceMs?: number;
}

/** The `call_id` the function-call flow uses. */
export const FLOW_CALL_ID = 'call_voxwire_flow_1';

const DEFAULT_STEP_MS = 5000;

function failure(flow: string, message: string, cause?: unknown): RealtimeError {
  return new RealtimeError('VOXWIRE_EXPECTATION_FAILED', `flow "${flow}": ${message}`, cause === undefined ? {} : { cause });
}

/** Waits for a log entry; a timeout becomes a flow failure with `hint`. */
async function step(flow: string, context: FlowVerifyContext, matcher: EventMatcher, options: WaitForOptions, hint: string): Promise<LogEntry> {
  try {
    return await context.server.waitFor(matcher, { timeoutMs: context.timeoutMs, signal: context.signal, ...options });
  } catch (error) {
    if (isRealtimeError(error, 'VOXWIRE_TIMEOUT')) throw failure(flow, `${hint} (waited ${options.timeoutMs ?? context.timeoutMs} ms). ${error.message.replace(/^.*?Last events:/, 'Last events:')}`, error);
    throw error;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Waits until a connection is closed (polling the server's connection list). */
async function closed(flow: string, context: FlowVerifyContext, index: number, hint: string): Promise<void> {
  const deadline = Date.now() + context.timeoutMs;
  while (context.server.connections[index]?.open !== false) {
    if (Date.now() > deadline) throw failure(flow, hint);
    await sleep(10, context.signal);
  }
}

/** Fails when the server answered anything with an `error` (other than `allowed` codes), naming the event at fault. */
function assertNoErrors(flow: string, server: MockRealtimeServer, allowed: readonly string[] = []): void {
  const errors = server.filter('error', { direction: 'sent' }).filter((entry) => !allowed.includes(String((entry.event.error as { code?: unknown })?.code)));
  if (errors.length === 0) return;
  const described = errors.map((entry) => {
    const error = entry.event.error as { code?: string | null; message?: string; event_id?: string | null };
    const culprit = error.event_id ? server.filter((candidate) => candidate.direction === 'received' && candidate.event.event_id === error.event_id)[0] : undefined;
    return `${error.code ?? 'error'} (${error.message ?? ''})${culprit ? ` for the app's ${culprit.event.type}` : ''}`;
  });
  throw failure(flow, `the server answered ${errors.length} event(s) with an error: ${described.join('; ')}.`);
}

function confirmedSession(entry: LogEntry | undefined): Record<string, unknown> {
  return ((entry?.event as WireEvent | undefined)?.session ?? {}) as Record<string, unknown>;
}

/** The parts of a session a reconnect must restore: what the app configured, not what the server fills in. */
function restoredParts(session: Record<string, unknown>): Record<string, unknown> {
  const audio = (session.audio ?? {}) as { input?: Record<string, unknown>; output?: Record<string, unknown> };
  const tools = Array.isArray(session.tools) ? session.tools.map((tool) => (tool as { name?: unknown; type?: unknown }).name ?? (tool as { type?: unknown }).type) : [];
  return {
    instructions: session.instructions,
    tools,
    output_modalities: session.output_modalities,
    voice: audio.output?.voice,
    turn_detection: audio.input?.turn_detection,
    transcription: audio.input?.transcription,
  };
}

/**
 * Session set-up: the app connects and configures its session with a valid `session.update`
 * (GA shape: `type: 'realtime'`, no unknown or beta-era fields), which the server confirms.
 *
 * @example
 * ```ts
 * await runFlow(sessionSetupFlow({ expectSession: { audio: { output: { voice: 'marin' } } } }), async ({ url }) => {
 *   const client = new RealtimeClient({ url, session: mySession });
 *   await client.connect();
 *   return () => client.disconnect();
 * });
 * ```
 */
export function sessionSetupFlow(options: SessionSetupFlowOptions = {}): RealtimeFlow {
  const name = 'session set-up';
  return {
    name,
    description:
      'The app connects and configures its session with one valid session.update (GA shape: type "realtime", no unknown or beta-era fields); the server confirms it with session.updated and answers nothing with an error.',
    drive: 'Connect to the URL. Nothing else is needed.',
    scenario: defineScenario({ name, turns: [] }),
    server: {},
    timeoutMs: options.timeoutMs ?? DEFAULT_STEP_MS,
    async verify(context) {
      const update = (await step(name, context, 'session.update', { direction: 'received', connection: 0 }, 'the app never sent session.update after connecting')) as LogEntry & { valid: boolean; errorCode?: string };
      if (!update.valid) {
        const answer = context.server.filter('error', { direction: 'sent', since: update.seq })[0];
        const message = (answer?.event.error as { message?: string } | undefined)?.message ?? '';
        throw failure(name, `the server rejected the app's session.update (${update.errorCode ?? 'invalid'}): ${message}. Use the GA session shape (see docs/migrating.md), or normalizeSessionConfig().`);
      }
      const updated = await step(name, context, 'session.updated', { direction: 'sent', since: update.seq }, 'the server never confirmed the session');
      if (options.expectSession !== undefined && !matchesPartial(confirmedSession(updated), options.expectSession)) {
        throw failure(
          name,
          `the confirmed session does not have the expected fields: expected ${JSON.stringify(options.expectSession)}, got ${JSON.stringify(confirmedSession(updated))}.`,
        );
      }
      assertNoErrors(name, context.server);
    },
  };
}

/**
 * A function-call round trip: the model calls one of the app's tools; the app answers with
 * exactly one `function_call_output` for that `call_id`, then asks for exactly one follow-up
 * response, which completes.
 *
 * @example
 * ```ts
 * await runFlow(functionCallFlow({ name: 'get_weather', arguments: { location: 'Paris' } }), async ({ url }) => {
 *   const client = new RealtimeClient({ url, tools: [getWeather] });
 *   await client.connect();
 *   client.sendText('Weather in Paris?');
 *   return () => client.disconnect();
 * });
 * ```
 */
export function functionCallFlow(options: FunctionCallFlowOptions): RealtimeFlow {
  if (typeof options?.name !== 'string' || options.name === '') {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'functionCallFlow: `name` must be the name of a tool your app declares, e.g. { name: "get_weather" }.');
  }
  const tool = options.name;
  const name = 'function-call round trip';
  return {
    name,
    description: `The model calls ${tool}; the app runs it and answers with exactly one function_call_output for the call_id, then asks for exactly one follow-up response, which completes.`,
    drive: 'Connect and start a turn: send a text message or speak.',
    scenario: defineScenario({
      name,
      turns: [
        { reply: { functionCalls: [{ name: tool, arguments: options.arguments ?? {}, callId: FLOW_CALL_ID }] } },
        { reply: { text: options.reply ?? 'Done.' } },
      ],
    }),
    server: {},
    timeoutMs: options.timeoutMs ?? DEFAULT_STEP_MS,
    async verify(context) {
      const { server } = context;
      await step(name, context, 'response.function_call_arguments.done', { direction: 'sent' }, 'the app never started a turn (no response.create and no speech)');
      const outputMatcher = { type: 'conversation.item.create', item: { type: 'function_call_output', call_id: FLOW_CALL_ID } };
      const output = await step(
        name,
        context,
        outputMatcher,
        { direction: 'received' },
        `the app did not answer the model's call to ${tool}: no function_call_output with call_id ${FLOW_CALL_ID}. Does the app declare a tool named "${tool}"?`,
      );
      const follow = await step(
        name,
        context,
        'response.create',
        { direction: 'received', since: output.seq },
        'the app sent the tool output but never asked for the follow-up response (response.create), so the model never speaks the result',
      );
      const done = await step(name, context, 'response.done', { direction: 'sent', since: follow.seq }, 'the follow-up response never finished');
      const status = (done.event.response as { status?: string } | undefined)?.status;
      if (status !== 'completed') throw failure(name, `the follow-up response ended "${status}", not "completed".`);
      const outputs = server.filter(outputMatcher, { direction: 'received' });
      if (outputs.length !== 1) throw failure(name, `the app answered the call ${outputs.length} times; answer each call_id exactly once.`);
      const creates = server.filter('response.create', { direction: 'received', since: output.seq }).filter((entry) => entry.seq < done.seq);
      if (creates.length !== 1) {
        throw failure(name, `the app sent ${creates.length} response.create after the tool output; send exactly one after all outputs of a turn.`);
      }
      assertNoErrors(name, server);
    },
  };
}

/**
 * An interruption: while the assistant speaks a long reply (in real time), the app stops it, by
 * the user speaking over it (server VAD cancels the response) or by cancelling it itself
 * (`response.cancel`, e.g. `client.interrupt()`). The response ends `cancelled` and nothing the
 * app sends around it is refused (no cancel without an active response, no truncation beyond
 * the audio received).
 *
 * @example
 * ```ts
 * await runFlow(interruptionFlow(), async ({ url }) => {
 *   const client = new RealtimeClient({ url });
 *   await client.connect();
 *   client.once('audio', () => void client.interrupt());
 *   client.sendText('Tell me about the week.');
 *   return () => client.disconnect();
 * });
 * ```
 */
export function interruptionFlow(options: FlowOptions = {}): RealtimeFlow {
  const name = 'interruption';
  return {
    name,
    description:
      'While the assistant speaks a long reply, the app stops it: the user speaks over it (server VAD cancels the response) or the app cancels it. The response ends "cancelled" and nothing the app sends around it is refused.',
    drive: 'Connect and start a turn; while the assistant is speaking, interrupt it: stream speech (e.g. the "interruption" fixture) or call client.interrupt().',
    scenario: defineScenario({
      name,
      turns: [{ reply: { audio: 'reply-long' } }, { reply: { text: 'Sure, go ahead.' } }],
    }),
    server: { audioPace: 'realtime' },
    timeoutMs: options.timeoutMs ?? 15_000,
    async verify(context) {
      const { server } = context;
      const created = await step(name, context, 'response.created', { direction: 'sent' }, 'the app never started a turn (no response.create and no speech)');
      await step(name, context, 'response.output_audio.delta', { direction: 'sent', since: created.seq }, 'the reply never started playing');
      const done = await step(name, context, 'response.done', { direction: 'sent', since: created.seq }, 'the reply neither finished nor was interrupted');
      const status = (done.event.response as { status?: string } | undefined)?.status;
      if (status !== 'cancelled') {
        throw failure(name, `the reply played to the end ("${status}"): the app never interrupted it (speak over it, or send response.cancel / call client.interrupt()).`);
      }
      const cancel = server.filter('response.cancel', { direction: 'received', since: created.seq }).find((entry) => entry.seq < done.seq);
      const speech = server.filter('input_audio_buffer.speech_started', { direction: 'sent', since: created.seq }).find((entry) => entry.seq < done.seq);
      if (cancel === undefined && speech === undefined) throw failure(name, 'the response was cancelled, but neither by the app nor by speech.');
      assertNoErrors(name, server);
    },
  };
}

/**
 * A drop and recovery: the connection drops (1006, no close frame) in the middle of a reply.
 * The app reconnects by itself, configures the new session as the old one (instructions, tools,
 * voice, turn detection), and restores the conversation into it.
 *
 * @example
 * ```ts
 * await runFlow(dropAndRecoveryFlow(), async ({ url }) => {
 *   const client = new RealtimeClient({ url, session: mySession, tools: myTools });
 *   await client.connect();
 *   client.sendText('Hello?');
 *   return () => client.disconnect();
 * });
 * ```
 */
export function dropAndRecoveryFlow(options: DropAndRecoveryFlowOptions = {}): RealtimeFlow {
  const name = 'drop and recovery';
  const expectContextReplay = options.expectContextReplay ?? true;
  return {
    name,
    description:
      'The connection drops (1006, no close frame) in the middle of a reply. The app reconnects by itself, configures the new session as the old one (instructions, tools, voice, turn detection) and restores the conversation into it.',
    drive: 'Connect and start a turn (send a text message or speak); the connection then drops. Reconnect on your own.',
    scenario: defineScenario({
      name,
      turns: [{ reply: { audio: 'reply-weather', text: "It's 18 degrees and sunny in Paris." }, drop: { after: 'response.output_audio.delta', count: 3 } }, { reply: { text: 'Welcome back.' } }],
    }),
    server: {},
    timeoutMs: options.timeoutMs ?? DEFAULT_STEP_MS,
    async verify(context) {
      const { server } = context;
      await step(name, context, 'response.output_audio.delta', { direction: 'sent', connection: 0 }, 'the app never started a turn (no response.create and no speech)');
      await closed(name, context, 0, 'the scripted drop did not happen');
      const before = server.filter('session.updated', { direction: 'sent', connection: 0 }).at(-1);
      const update = await step(
        name,
        context,
        'session.update',
        { direction: 'received', connection: 1 },
        'the app did not reconnect after the drop and configure a new session (a dropped connection is not the end of the conversation: reconnect with backoff)',
      );
      const after = await step(name, context, 'session.updated', { direction: 'sent', connection: 1, since: update.seq }, 'the server never confirmed the new session');
      const expected = restoredParts(confirmedSession(before));
      const actual = restoredParts(confirmedSession(after));
      const lost = Object.keys(expected).filter((key) => JSON.stringify(expected[key]) !== JSON.stringify(actual[key]));
      if (lost.length > 0) {
        throw failure(
          name,
          `the new session is not configured as the old one: ${lost.map((key) => `${key} was ${JSON.stringify(expected[key])}, now ${JSON.stringify(actual[key])}`).join('; ')}. Re-apply the whole session config after a reconnect.`,
        );
      }
      if (expectContextReplay) {
        const forgot =
          'the app reconnected but did not restore the conversation: the new session starts empty upstream, so the model forgot everything. ' +
          "Replay the transcript as conversation.item.create items before going on (voxwire's client does), or pass expectContextReplay: false";
        const restored = await step(name, context, 'conversation.item.create', { direction: 'received', connection: 1, since: after.seq }, forgot);
        const firstTurn = server.filter(
          (entry) => entry.direction === 'received' && entry.connection === 1 && ['response.create', 'input_audio_buffer.append'].includes(entry.event.type),
        )[0];
        if (firstTurn !== undefined && firstTurn.seq < restored.seq) throw failure(name, `${forgot}.`);
      }
      assertNoErrors(name, server);
    },
  };
}

/**
 * Session expiry: the session reaches its time limit (an `error` with code `session_expired`,
 * then a close with 1001, as the API does after 60 minutes). The app tells the user and does not
 * reconnect on its own: a new session would silently lose the conversation.
 *
 * @example
 * ```ts
 * await runFlow(sessionExpiryFlow(), async ({ url }) => {
 *   const client = new RealtimeClient({ url });
 *   client.on('state', (state) => state.status === 'expired' && showBanner('Session ended'));
 *   await client.connect();
 *   return () => client.disconnect();
 * });
 * ```
 */
export function sessionExpiryFlow(options: SessionExpiryFlowOptions = {}): RealtimeFlow {
  const name = 'session expiry';
  const expireAfterMs = options.expireAfterMs ?? 1000;
  const graceMs = options.graceMs ?? 1500;
  return {
    name,
    description:
      'The session reaches its time limit (error session_expired, then close 1001, as the API does after 60 minutes). The app ends the session and tells the user; it does not reconnect on its own, which would silently start over without the conversation.',
    drive: 'Connect and stay connected; the session expires shortly after.',
    scenario: defineScenario({ name, turns: [], expireAfterMs }),
    server: {},
    timeoutMs: options.timeoutMs ?? DEFAULT_STEP_MS + expireAfterMs,
    async verify(context) {
      const { server } = context;
      await step(name, context, 'session.update', { direction: 'received', connection: 0 }, 'the app never connected and configured its session');
      await step(name, context, { type: 'error', error: { code: 'session_expired' } }, { direction: 'sent', connection: 0 }, 'the session did not expire');
      await closed(name, context, 0, 'the expired connection did not close');
      await sleep(graceMs, context.signal);
      if (server.connections.length > 1) {
        throw failure(
          name,
          `the app opened ${server.connections.length - 1} new connection(s) within ${graceMs} ms of session_expired. An expired session is over: show it (voxwire's client goes to state "expired") and let the user start again.`,
        );
      }
      assertNoErrors(name, server, ['session_expired']);
    },
  };
}
