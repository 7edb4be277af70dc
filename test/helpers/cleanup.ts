import { afterEach } from 'vitest';
import { MockRealtimeServer } from '../../src/testing/mock/server';
import type { MockRealtimeServerOptions } from '../../src/testing/mock/server-options';

/**
 * Registers an afterEach that runs everything pushed onto `stoppers`, newest first, and gives a
 * `startMock` that starts a MockRealtimeServer on loopback (instant audio unless told otherwise)
 * and stops it after the test.
 */
export function useCleanup(): {
  stoppers: Array<() => unknown>;
  startMock: (options?: MockRealtimeServerOptions) => Promise<{ server: MockRealtimeServer; url: string }>;
} {
  const stoppers: Array<() => unknown> = [];
  afterEach(async () => {
    for (const stop of stoppers.splice(0).reverse()) await stop();
  });
  const startMock = async (options: MockRealtimeServerOptions = {}): Promise<{ server: MockRealtimeServer; url: string }> => {
    const server = new MockRealtimeServer({ audioPace: 'instant', ...options });
    const { url } = await server.start();
    stoppers.push(() => server.stop());
    return { server, url };
  };
  return { stoppers, startMock };
}
