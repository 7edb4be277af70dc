// One relay under test, alone in its process so `process.cpuUsage()` measures only the relay.
// `node --expose-gc --import tsx bench/relay/relay-process.ts <voxwire|naive> <upstreamUrl> [redisUrl] [--live]`;
// it reports its URL over IPC and answers `mark` / `report` / `memory` / `exit`. With a Redis
// URL the voxwire relay keeps budgets and slots in Redis and joins the session bus, as a node
// of a multi-node deployment does. With `--live` the voxwire relay speaks GPT-Live (`live`).
//
// Each process loads only the relay it runs, and the voxwire relay comes from the build
// (`dist/`, what `npm install voxwire` gives; relay-child.ts rebuilds it when `src/` is newer).
// Until 2026-12-07 both processes imported both relays (the naive one, and with it `ws`, at
// start-up) and the voxwire one ran from `src/` under tsx. In that voxwire process `ws`'s
// `Sender.send` built its frame options on V8's generic runtime path on every frame
// (`Runtime_DefineKeyedOwnPropertyInLiteral`: 315 of 6,110 perf samples, 5%; none in the naive
// process, none with the relay from `dist/`, none from `src/` without the naive relay's
// import). That cost came from how the bench loaded the code, not from the relay
// (bench/README.md, "Issue 19, sixth session").
import { constants as perfConstants, PerformanceObserver } from 'node:perf_hooks';

/** The built package's entry points, typed by their sources (which the build compiles). */
type ServerEntry = typeof import('../../src/server/index');
type NodeEntry = typeof import('../../src/server/node');
type RootEntry = typeof import('../../src/index');
const distEntry = (path: string): string => new URL(`../../dist/${path}`, import.meta.url).href;

const live = process.argv.includes('--live');
const [kind, upstreamUrl, redisUrl] = process.argv.slice(2).filter((arg) => arg !== '--live') as ['voxwire' | 'naive', string, string | undefined];
const API_KEY = 'sk-bench-key';

let url: string;
let frames: () => number;
let inRelay: () => { bucketsSeconds: number[]; counts: number[] } | undefined = () => undefined;
let close: () => Promise<void>;

if (kind === 'naive') {
  const { startNaiveRelay } = await import('./naive-relay');
  const relay = await startNaiveRelay(upstreamUrl, API_KEY);
  url = relay.url;
  frames = relay.frames;
  close = relay.close;
} else {
  const { RelayMetrics } = (await import(distEntry('server/index.js'))) as ServerEntry;
  const { createRelay, RedisBudgetStore, RedisSessionBus } = (await import(distEntry('server/node.js'))) as NodeEntry;
  const { silentLogger } = (await import(distEntry('index.js'))) as RootEntry;
  // Everything on: authentication, locked fields, a voice allowlist, a token cap, limits,
  // a per-user budget (charged every 5 s), metrics (with fine latency buckets for the report).
  const metrics = new RelayMetrics({ latencyBucketsSeconds: [1, 2, 3, 4, 5, 7.5, 10, 15, 20, 30, 50, 100, 250, 500, 1000].map((us) => us / 1e6) });
  // With `--live` the same, for GPT-Live: the operator's instructions and voice locked in
  // `session.start`, the budget charged by the second of session as it streams.
  const relay = createRelay({
    metrics,
    upstream: { url: upstreamUrl, apiKey: API_KEY, model: live ? 'gpt-live-1' : 'gpt-realtime-2.1' },
    ...(live ? { live: { session: { instructions: 'You are a helpful assistant.', audio: { output: { voice: 'marin' } } } } } : {}),
    authenticate: (request) => {
      const token = new URL(request.url).searchParams.get('token');
      return token === null ? null : { userId: token };
    },
    policy: live ? { voices: ['marin', 'cedar'] } : { session: { instructions: 'You are a helpful assistant.' }, voices: ['marin', 'cedar'], maxOutputTokens: 1024 },
    limits: { maxDurationMs: 10 * 60_000, maxSessionsPerUser: 3 },
    budget: { dailyLimit: 1e9, ...(redisUrl === undefined ? {} : { store: new RedisBudgetStore({ url: redisUrl }) }) },
    ...(redisUrl === undefined ? {} : { bus: new RedisSessionBus({ url: redisUrl }) }),
    logger: silentLogger,
    drainOnSignals: false,
  });
  const address = await relay.listen(0, { host: '127.0.0.1' });
  url = address.url;
  frames = () => relay.metrics.clientFrames + relay.metrics.upstreamFrames;
  inRelay = () => metrics.snapshot().latency;
  close = () => relay.close({ drainMs: 0 });
}

let mark = { cpu: process.cpuUsage(), frames: 0, at: performance.now() };

// Collections of the old generation since the mark (count and pause): a process V8 keeps
// marking reads far above its pair, and the report says so (see paired-relays.ts).
let majorGcs = { count: 0, ms: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if ((entry as { detail?: { kind?: number } }).detail?.kind !== perfConstants.NODE_PERFORMANCE_GC_MINOR) {
      majorGcs.count += 1;
      majorGcs.ms += entry.duration;
    }
  }
}).observe({ entryTypes: ['gc'] });

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  collect?.();
  collect?.();
}

process.on('message', (message: { type: string }) => {
  void (async () => {
    switch (message.type) {
      case 'mark':
        mark = { cpu: process.cpuUsage(), frames: frames(), at: performance.now() };
        majorGcs = { count: 0, ms: 0 };
        process.send?.({ type: 'marked' });
        return;
      case 'report': {
        const cpu = process.cpuUsage(mark.cpu);
        process.send?.({ type: 'report', cpuUs: cpu.user + cpu.system, frames: frames() - mark.frames, wallMs: performance.now() - mark.at, inRelay: inRelay(), majorGcs });
        return;
      }
      case 'memory': {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 100));
        gc();
        const usage = process.memoryUsage();
        process.send?.({ type: 'memory', heapUsed: usage.heapUsed, external: usage.external, rss: usage.rss });
        return;
      }
      case 'exit':
        await close();
        process.exit(0);
      default:
    }
  })();
});

// A bench stopped midway (Ctrl-C, a timeout) must not leave its relays running.
process.on('disconnect', () => process.exit(0));

process.send?.({ type: 'ready', url });
