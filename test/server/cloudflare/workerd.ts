/**
 * A Worker on workerd for the tests: bundled from src with esbuild into a temporary directory
 * (the `voxwire/*` imports resolve to src/ through tsconfig.json's paths), run by Miniflare 3
 * on 127.0.0.1, port 0. `stop()` disposes of Miniflare (and its workerd process) and removes
 * the bundle.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Miniflare } from 'miniflare';

/** Whether Miniflare's workerd binary is installed. */
export function workerdPresent(): boolean {
  try {
    const require = createRequire(import.meta.url);
    require.resolve('miniflare');
    require.resolve('workerd');
    return true;
  } catch {
    return false;
  }
}

/** A Worker running on workerd. */
export interface RunningWorker {
  /** The Worker's HTTP origin (`http://127.0.0.1:<port>/`). */
  url: URL;
  /** Miniflare, for what a test reads from the runtime. */
  mf: Miniflare;
  /** Disposes of Miniflare and removes the bundle. */
  stop(): Promise<void>;
}

/** Options of {@link startWorker}. */
export interface StartWorkerOptions {
  /** Durable Object binding name → exported class name. */
  durableObjects: Record<string, string>;
  /** Text bindings (`env.X`). */
  bindings: Record<string, string>;
  /** The Worker's compatibility date. */
  compatibilityDate: string;
}

/** Bundles `entry` and runs it on workerd. */
export async function startWorker(entry: string, options: StartWorkerOptions): Promise<RunningWorker> {
  const dir = mkdtempSync(join(tmpdir(), 'voxwire-workerd-'));
  let mf: Miniflare | undefined;
  try {
    const script = join(dir, 'worker.mjs');
    await build({
      entryPoints: [entry],
      outfile: script,
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      mainFields: ['module', 'main'],
      conditions: ['workerd', 'worker', 'import'],
      logLevel: 'silent',
    });
    const { Miniflare } = await import('miniflare');
    mf = new Miniflare({
      modules: true,
      scriptPath: script,
      // Module names are paths below this root (a bundle in the temporary directory).
      modulesRoot: dir,
      compatibilityDate: options.compatibilityDate,
      durableObjects: options.durableObjects,
      bindings: options.bindings,
      host: '127.0.0.1',
      port: 0,
    });
    const url = await mf.ready;
    const running = mf;
    return {
      url,
      mf: running,
      stop: async () => {
        await running.dispose();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await mf?.dispose().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
