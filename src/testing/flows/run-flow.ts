/**
 * `runFlow`: runs one of the ready flows (see `flows.ts`) against your app. It starts a mock
 * server playing the flow's scenario, hands your app the URL, waits for the app to play its part
 * and checks what it did on the wire.
 */

import { RealtimeError, isRealtimeError } from '../../base/errors';
import type { RealtimeFlow } from './flows';
import { MockRealtimeServer } from '../mock/server';
import type { MockRealtimeServerOptions } from '../mock/server-options';

/** What your app gets in {@link runFlow}. */
export interface FlowContext {
  /** The mock server's WebSocket URL: point the app's client (or your relay's upstream) at it. */
  url: string;
  /** The mock server (its log, `waitFor`, `connections`, ...). */
  server: MockRealtimeServer;
  /** The flow being run. */
  flow: RealtimeFlow;
  /** Aborted when the flow is over (passed or failed): stop the app then. */
  signal: AbortSignal;
}

/** Cleans the app up after the flow: disconnect, stop timers. */
export type FlowTeardown = () => void | Promise<void>;

/**
 * Your app's part: connect to `context.url` and do what `flow.drive` says. It may return (or
 * resolve to) a teardown function, called when the flow is over.
 */
export type FlowApp = (context: FlowContext) => void | FlowTeardown | Promise<void | FlowTeardown>;

/** Options of {@link runFlow}. */
export interface RunFlowOptions {
  /**
   * Mock server options, over the flow's own (e.g. `sessionDefaults`, `audioPace`).
   * @default the flow's options, with `audioPace: 'instant'` unless the flow needs real time
   */
  server?: Omit<MockRealtimeServerOptions, 'scenario'>;
  /** How long the app has for each step. @default the flow's `timeoutMs` */
  timeoutMs?: number;
  /** How long the app may take to settle after the flow is over, before the teardown runs. @default 2000 */
  settleMs?: number;
}

/** A passed flow. */
export interface FlowResult {
  /** The flow's name. */
  flow: string;
  /** How long the run took, in ms. */
  durationMs: number;
  /** The (stopped) mock server, with the full log of what happened. */
  server: MockRealtimeServer;
}

/**
 * Runs a flow against your app and resolves when the app did its part right. Rejects with a
 * `VOXWIRE_EXPECTATION_FAILED` {@link RealtimeError} saying what the app did wrong (or with the
 * app's own error when it throws). Always stops the mock server and runs the app's teardown.
 *
 * @param flow - A ready flow, e.g. `functionCallFlow({ name: 'get_weather' })`.
 * @param app - Your app's part; see {@link FlowApp}.
 * @param options - See {@link RunFlowOptions}.
 *
 * @example
 * ```ts
 * import { dropAndRecoveryFlow, runFlow } from 'voxwire/testing';
 *
 * it('recovers from a dropped connection', async () => {
 *   await runFlow(dropAndRecoveryFlow(), async ({ url }) => {
 *     const app = await startMyVoiceApp({ realtimeUrl: url });
 *     app.say('Hello?');
 *     return () => app.stop();
 *   });
 * });
 * ```
 */
export async function runFlow(flow: RealtimeFlow, app: FlowApp, options: RunFlowOptions = {}): Promise<FlowResult> {
  if (typeof flow?.verify !== 'function' || flow.scenario === undefined) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'runFlow: the first argument must be a flow, e.g. sessionSetupFlow() or functionCallFlow({ name }).');
  }
  if (typeof app !== 'function') {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'runFlow: the second argument must be your app: (context) => { connect to context.url ... }.');
  }
  const server = new MockRealtimeServer({ audioPace: 'instant', ...flow.server, ...options.server, scenario: flow.scenario });
  const startedAt = Date.now();
  const { url } = await server.start();
  const controller = new AbortController();
  let teardown: FlowTeardown | undefined;
  let appRun: Promise<void> = Promise.resolve();
  try {
    appRun = (async () => {
      const result = await app({ url, server, flow, signal: controller.signal });
      if (typeof result === 'function') teardown = result;
    })();
    const appFailed = appRun.then(
      () => new Promise<never>(() => undefined),
      (error: unknown) => {
        throw isRealtimeError(error, 'VOXWIRE_EXPECTATION_FAILED')
          ? error
          : new RealtimeError('VOXWIRE_EXPECTATION_FAILED', `flow "${flow.name}": the app threw: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      },
    );
    await Promise.race([flow.verify({ server, signal: controller.signal, timeoutMs: options.timeoutMs ?? flow.timeoutMs }), appFailed]);
  } finally {
    controller.abort(new RealtimeError('VOXWIRE_ABORTED', `flow "${flow.name}" is over.`));
    let settleTimer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([appRun.catch(() => undefined), new Promise((resolve) => (settleTimer = setTimeout(resolve, options.settleMs ?? 2000)))]);
    clearTimeout(settleTimer);
    try {
      await teardown?.();
    } finally {
      await server.stop();
    }
  }
  return { flow: flow.name, durationMs: Date.now() - startedAt, server };
}
