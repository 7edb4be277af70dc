/**
 * The fixture audio is its own package, `voxwire-fixture-audio` (fixtures/audio/package.json),
 * so that production installs of voxwire carry no test WAVs (issue 17, obs. 6). The testing kit
 * loads it when installed and says how to install it when not.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixtureDir = join(repoRoot, 'fixtures', 'audio');
const manifest = JSON.parse(readFileSync(join(fixtureDir, 'manifest.json'), 'utf8')) as { clips: Array<{ name: string; file: string }> };
const work = mkdtempSync(join(tmpdir(), 'voxwire-fixture-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Bundles the loader into `<app>/node_modules/voxwire/dist/` (as an installed voxwire, outside
 * the repository) and runs a script in `<app>` that lists the clips, printing the names or the
 * error's code and message as JSON.
 */
async function listFrom(app: string): Promise<{ names?: string[]; code?: string; message?: string }> {
  const outfile = join(app, 'node_modules', 'voxwire', 'dist', 'testing.mjs');
  await build({
    entryPoints: [join(repoRoot, 'src', 'testing', 'fixtures.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    external: ['node:*'],
    logLevel: 'silent',
  });
  const script = join(app, 'list.mjs');
  writeFileSync(
    script,
    `import { listFixtureAudio } from ${JSON.stringify(outfile)};
try {
  console.log(JSON.stringify({ names: (await listFixtureAudio()).map((clip) => clip.name) }));
} catch (error) {
  console.log(JSON.stringify({ code: error.code, message: error.message }));
}
`,
  );
  const { stdout } = await run(process.execPath, [script], { cwd: app, timeout: 30_000 });
  return JSON.parse(stdout) as { names?: string[]; code?: string; message?: string };
}

describe('the fixture audio package', () => {
  it('is a package of its own holding every clip of the manifest', async () => {
    const pkg = JSON.parse(readFileSync(join(fixtureDir, 'package.json'), 'utf8')) as { name: string; private?: boolean };
    expect(pkg.name).toBe('voxwire-fixture-audio');
    expect(pkg.private).toBeUndefined();
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json'], { cwd: fixtureDir, timeout: 60_000 });
    const files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((file) => file.path);
    expect(files).toEqual(expect.arrayContaining(['manifest.json', 'README.md', ...manifest.clips.map((clip) => clip.file)]));
  });

  it('is not in the voxwire package', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files.filter((entry) => entry.startsWith('fixtures'))).toEqual([]);
  });

  it('without it installed, an installed voxwire says which package to install', async () => {
    const app = join(work, 'without');
    mkdirSync(app, { recursive: true });
    const result = await listFrom(app);
    expect(result.code).toBe('VOXWIRE_INVALID_ARGUMENT');
    expect(result.message).toContain('npm install --save-dev voxwire-fixture-audio');
    expect(result.message).toContain('{ dir }');
  });

  it('installed beside voxwire, the clips load from it', async () => {
    const app = join(work, 'with');
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    symlinkSync(fixtureDir, join(app, 'node_modules', 'voxwire-fixture-audio'), 'dir');
    const result = await listFrom(app);
    expect(result.message).toBeUndefined();
    expect(result.names).toEqual(manifest.clips.map((clip) => clip.name));
  });
});
