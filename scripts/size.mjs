// Size budgets per entry point, measured as a browser bundler ships them: the built ESM
// entry bundled with its dependencies, minified, gzipped. Fails when a budget is passed.
// `node scripts/size.mjs --write` also records the table in bench/README.md.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Each scenario is what an app imports; `budgetKb` is min+gzip, `over` names a baseline. */
const scenarios = [
  {
    name: 'app: RealtimeClient + WebSocketTransport + defineTool',
    code: "export { RealtimeClient, WebSocketTransport, defineTool } from 'voxwire';",
    budgetKb: 25,
    platform: 'browser',
  },
  {
    name: 'voxwire/audio on top (MicrophoneCapture + AudioPlayer)',
    code: "export { RealtimeClient, WebSocketTransport, defineTool } from 'voxwire'; export { MicrophoneCapture, AudioPlayer } from 'voxwire/audio';",
    over: 'app: RealtimeClient + WebSocketTransport + defineTool',
    budgetKb: 10,
    platform: 'browser',
  },
  { name: 'voxwire (everything)', code: "export * from 'voxwire';", platform: 'browser' },
  { name: 'voxwire/server (everything)', code: "export * from 'voxwire/server';", platform: 'neutral' },
  { name: 'voxwire/testing (everything)', code: "export * from 'voxwire/testing';", platform: 'node' },
];

const enabled = (process.env.SIZE_SCENARIOS ?? '').split(',').filter(Boolean);

async function gzipSize(code, platform) {
  const result = await build({
    stdin: { contents: code, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform,
    write: false,
    external: ['ws', 'ioredis', 'node:*'],
    logLevel: 'silent',
    // Resolve the package through its own exports map, as an app would.
    alias: {},
    nodePaths: [],
    conditions: ['import', 'default'],
  });
  const bytes = result.outputFiles[0].contents;
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

const sizes = new Map();
const rows = [];
let failed = false;
for (const scenario of scenarios) {
  if (enabled.length && !enabled.includes(scenario.name)) continue;
  let size;
  try {
    size = await gzipSize(scenario.code, scenario.platform);
  } catch (error) {
    console.error(`size: cannot bundle "${scenario.name}": ${error.message.split('\n')[0]}`);
    failed = true;
    continue;
  }
  sizes.set(scenario.name, size);
  const base = scenario.over ? sizes.get(scenario.over) : undefined;
  const measured = base ? size.gzip - base.gzip : size.gzip;
  const kb = measured / 1024;
  const verdict = scenario.budgetKb === undefined ? '' : kb <= scenario.budgetKb ? 'ok' : 'OVER BUDGET';
  if (verdict === 'OVER BUDGET') failed = true;
  rows.push([
    scenario.name,
    `${(size.min / 1024).toFixed(1)} KB`,
    `${(size.gzip / 1024).toFixed(2)} KB`,
    base ? `+${kb.toFixed(2)} KB` : '',
    scenario.budgetKb === undefined ? '' : `≤ ${scenario.budgetKb} KB${base ? ' on top' : ''}`,
    verdict,
  ]);
}

const header = ['scenario', 'minified', 'min+gzip', 'delta', 'budget', ''];
const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
console.log(table);

if (process.argv.includes('--write')) {
  const readmePath = `${root}bench/README.md`;
  const readme = readFileSync(readmePath, 'utf8');
  const marker = '<!-- filled by scripts/size.mjs (npm run size) -->';
  const start = readme.indexOf(marker);
  const next = readme.indexOf('\n## ', start);
  const body = `${marker}\nCommand: \`npm run build && node scripts/size.mjs --write\` (esbuild bundle of the built ESM entry with its dependencies, minified, gzip -9).\n\n${table}\n`;
  writeFileSync(readmePath, readme.slice(0, start) + body + readme.slice(next));
}

if (failed) {
  console.error('size: a budget was passed or a scenario could not be bundled');
  process.exit(1);
}
