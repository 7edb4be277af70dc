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
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Miniflare } from 'miniflare';
import { requireComponent } from '../../helpers/components';
import { SECRET_KEY } from '../harness';

/** The tokens of the metrics and admin routes of the plan Workers (worker-plan.ts). */
export const METRICS_TOKEN = 'metrics-token-0123';
export const ADMIN_TOKEN = 'admin-token-4567';

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

/** Whether workerd can run here (in CI a missing one fails; on a laptop the tests skip loudly). */
export function requireWorkerd(): boolean {
  return requireComponent('workerd (through miniflare)', workerdPresent(), 'npm install (miniflare 3 ships workerd as an npm binary)');
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

/**
 * Starts a plan Worker (relay-worker.ts, live-relay-worker.ts: `entry` beside this file) in front
 * of `upstreamUrl`, with the server's key, the route tokens and the three object bindings.
 */
export function startPlanWorker(entry: string, upstreamUrl: string): Promise<RunningWorker> {
  return startWorker(fileURLToPath(new URL(entry, import.meta.url)), {
    compatibilityDate: '2025-07-01',
    durableObjects: { VOXWIRE_SESSIONS: 'VoxwireSession', VOXWIRE_USERS: 'VoxwireUser', VOXWIRE_HUB: 'VoxwireHub' },
    bindings: { OPENAI_API_KEY: SECRET_KEY, UPSTREAM_URL: upstreamUrl, METRICS_TOKEN, ADMIN_TOKEN },
  });
}

/** One sample of a plan Worker's Prometheus text (0 when absent). */
export async function metricSample(worker: RunningWorker, name: string): Promise<number> {
  const response = await fetch(new URL('/metrics', worker.url), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
  const line = (await response.text()).split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}
