// One relay of bench/relay in a child process (relay-process.ts), so `process.cpuUsage()` there
// is the relay's own CPU; driven over IPC (`mark`, `report`, `memory`, `exit`).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RELAY_SCRIPT = fileURLToPath(new URL('./relay-process.ts', import.meta.url));

export type RelayKind = 'voxwire' | 'naive';

export interface Memory {
  heapUsed: number;
  external: number;
  rss: number;
}

export interface RelayChild {
  url: string;
  request<Reply>(type: string): Promise<Reply>;
  exit(): Promise<void>;
}

/**
 * Starts a relay child; `redisUrl` gives the voxwire relay a RedisBudgetStore and RedisSessionBus;
 * `'live'` makes it relay GPT-Live sessions (the naive pipe pipes whatever comes).
 */
export async function startRelayChild(kind: RelayKind, upstreamUrl: string, redisUrl?: string, protocol: 'realtime' | 'live' = 'realtime'): Promise<RelayChild> {
  const args = [kind, upstreamUrl, ...(redisUrl === undefined ? [] : [redisUrl]), ...(protocol === 'live' ? ['--live'] : [])];
  const child: ChildProcess = fork(RELAY_SCRIPT, args, {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${kind} relay exited with ${code}`)));
    child.on('message', (message: { type: string; url?: string }) => {
      if (message.type === 'ready') resolve(message.url as string);
    });
  });
  const replies: Record<string, string> = { mark: 'marked', report: 'report', memory: 'memory' };
  return {
    url,
    request: <Reply>(type: string) =>
      new Promise<Reply>((resolve) => {
        const onMessage = (message: { type: string }): void => {
          if (message.type !== replies[type]) return;
          child.off('message', onMessage);
          resolve(message as Reply);
        };
        child.on('message', onMessage);
        child.send({ type });
      }),
    exit: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ type: 'exit' });
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
