import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, where the examples run from. */
export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** What an example printed and how it exited. */
export interface ExampleRun {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: string[];
}

/** Runs `examples/<path>` as a user would (tsx, no build), piped, without an API key, bounded in time. */
export function runExample(path: string, args: string[], timeoutMs = 30_000): Promise<ExampleRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.OPENAI_API_KEY;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'examples', path), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path} ${args.join(' ')} did not exit within ${timeoutMs} ms.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, lines: stdout.split('\n') });
    });
  });
}
