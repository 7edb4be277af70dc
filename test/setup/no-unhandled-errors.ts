import { afterAll, afterEach } from 'vitest';

/**
 * Suite-wide guard (issue 12): an unhandled rejection or an uncaught exception during a test
 * fails that test (or, when it surfaces after the last test of a file, the file), with the
 * error's stack. Library code must never leave a promise rejecting with nobody listening: in
 * an app that is a Node process exiting 1.
 */
const seen: Array<{ kind: string; error: unknown }> = [];

process.on('unhandledRejection', (error) => seen.push({ kind: 'unhandled rejection', error }));
process.on('uncaughtException', (error) => seen.push({ kind: 'uncaught exception', error }));

function check(): void {
  if (seen.length === 0) return;
  const found = seen.splice(0);
  const lines = found.map(({ kind, error }) => `${kind}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  throw new Error(`${found.length} unhandled error(s) during this test:\n${lines.join('\n')}`);
}

afterEach(async () => {
  // Rejections are reported on the next turn of the event loop after the promise settles.
  await new Promise((resolve) => setImmediate(resolve));
  check();
});

afterAll(async () => {
  await new Promise((resolve) => setImmediate(resolve));
  check();
});
