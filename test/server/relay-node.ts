/**
 * A relay node in a child process (relay-node.script.ts), driven over IPC: for the tests that
 * need more than one relay on one Redis, and that look at a relay process from outside (its
 * open file descriptors, its stderr, its unhandled errors).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const NODE_SCRIPT = fileURLToPath(new URL('./relay-node.script.ts', import.meta.url));

/** A relay node in a child process. */
export class RelayNode {
  readonly events: Array<{ type: string; sessionId: string; userId?: string; reason?: string }> = [];
  /** Unhandled rejections and uncaught exceptions the process reported. */
  readonly faults: string[] = [];
  private nextId = 1;
  private readonly replies = new Map<number, (value: unknown) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly captured: { stderr: string },
  ) {
    child.on('message', (message: { type: string; id?: number; value?: unknown; sessionId?: string; error?: string }) => {
      if (message.type === 'reply' && message.id !== undefined) this.replies.get(message.id)?.(message.value);
      else if (message.type === 'sessionStarted' || message.type === 'sessionEnded') this.events.push(message as RelayNode['events'][number]);
      else if (message.type === 'fault') this.faults.push(String(message.error));
    });
  }

  static async start(config: Record<string, unknown>): Promise<RelayNode> {
    const child = fork(NODE_SCRIPT, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, RELAY_NODE_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    const captured = { stderr: '' };
    child.stderr?.on('data', (chunk: Buffer) => {
      captured.stderr += chunk.toString();
      process.stderr.write(chunk);
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('relay node did not start')), 15_000);
      child.once('exit', (code) => reject(new Error(`relay node exited with ${code}`)));
      child.on('message', (message: { type: string; url?: string }) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve(message.url as string);
        }
      });
    });
    return new RelayNode(child, url, captured);
  }

  /** Everything the process wrote to stderr. */
  get stderr(): string {
    return this.captured.stderr;
  }

  /** The process id. */
  get pid(): number {
    return this.child.pid as number;
  }

  /** Open file descriptors of the process now (Linux: /proc/<pid>/fd). */
  openFds(): number {
    return readdirSync(`/proc/${this.pid}/fd`).length;
  }

  request<Value>(type: string, fields: Record<string, unknown> = {}): Promise<Value> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.replies.set(id, (value) => resolve(value as Value));
      this.child.send({ type, id, ...fields });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || !this.child.connected) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await Promise.race([this.request('close'), new Promise((resolve) => setTimeout(resolve, 5000))]);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
