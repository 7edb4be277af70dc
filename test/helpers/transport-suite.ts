/**
 * One scenario list, every transport: `describeTransportSuite` runs each scenario once per
 * transport factory, with the same assertions, so "WebRTC is a drop-in swap for WebSocket" is
 * checked rather than claimed. The environment (servers, a browser) is set up once per suite.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';

/** A transport the suite runs over: how a scenario opens and closes a client with it. */
export interface SuiteTransport<Environment, Options> {
  /** Shown in test names (`websocket`, `webrtc`). */
  name: string;
  /** Connects a client over this transport for one scenario. */
  connect(environment: Environment, options: Options): Promise<void>;
  /** Ends that client. */
  disconnect(environment: Environment): Promise<void>;
}

/** One scenario: what the server plays, how the client connects, what must hold. */
export interface SuiteScenario<Environment, Options> {
  name: string;
  /** Prepares the server before the client connects (a mock scenario, a log mark). */
  prepare?(environment: Environment): void | Promise<void>;
  /** How the client connects (given to the transport's `connect`). */
  options: Options;
  /** Drives the client and asserts; `transport` is the transport's name. */
  run(environment: Environment, transport: string): Promise<void>;
  /** @default 30000 */
  timeoutMs?: number;
}

/** Options of {@link describeTransportSuite}. */
export interface TransportSuite<Environment, Options> {
  /** False skips the suite (a real component is missing outside CI). */
  enabled: boolean;
  setup(): Promise<Environment>;
  teardown(environment: Environment | undefined): Promise<void>;
  transports: ReadonlyArray<SuiteTransport<Environment, Options>>;
  scenarios: ReadonlyArray<SuiteScenario<Environment, Options>>;
}

/** Declares `title › <transport> › <scenario>` tests: every scenario over every transport. */
export function describeTransportSuite<Environment, Options>(title: string, suite: TransportSuite<Environment, Options>): void {
  describe.skipIf(!suite.enabled)(title, () => {
    let environment: Environment | undefined;
    beforeAll(async () => {
      environment = await suite.setup();
    }, 60_000);
    afterAll(async () => {
      await suite.teardown(environment);
    }, 30_000);
    for (const transport of suite.transports) {
      describe(transport.name, () => {
        for (const scenario of suite.scenarios) {
          it(
            scenario.name,
            async () => {
              const env = environment as Environment;
              await scenario.prepare?.(env);
              await transport.connect(env, scenario.options);
              try {
                await scenario.run(env, transport.name);
              } finally {
                await transport.disconnect(env);
              }
            },
            scenario.timeoutMs ?? 30_000,
          );
        }
      });
    }
  });
}
