// Size budgets per entry point, measured as a browser bundler ships them: the built ESM
// entry bundled with its dependencies, minified, code-split as Vite / Rollup split it, each
// chunk gzipped (-9). What an app loads at start is the entry chunk and every chunk it imports
// statically; chunks behind a dynamic `import()` are listed separately as loaded on demand and
// do not count. Fails when a budget is passed, or when the app's load-time code includes a
// module it must not (zod: the root validates with generated code, see src/events/check.ts).
// `node scripts/size.mjs --write` also records the table in bench/README.md.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const APP = 'app: RealtimeClient + WebSocketTransport + defineTool';
const LIVE_APP = 'live app: LiveClient + WebSocketTransport + defineTool';
const AUDIO_APP = 'voxwire/audio on top (MicrophoneCapture + AudioPlayer)';

/**
 * Each scenario is what an app imports; `budgetKb` is min+gzip at load, `over` names a
 * baseline, `forbid` lists modules that must not load at start, `external` packages the app
 * brings itself (not counted).
 */
const scenarios = [
  {
    name: APP,
    code: "export { RealtimeClient, WebSocketTransport, defineTool } from 'voxwire';",
    // Forward compatibility, the delivery journal, out-of-band responses, reasoning entries and
    // outgoing-field triage (issues 11-13) and issue 19's restructuring took the app to 26.79 KB.
    // Issue 12 won it back by loading on demand what an app needs only once it is connected or
    // calls a tool: the GA server event tables (realtimeProtocol.load(), awaited by the transports
    // while the key resolves; generated as a factory that imports nothing, since a lazy chunk
    // importing shared code splits that code into a second chunk at start), a tool's argument
    // parser (parseArguments is async), the session limits when none is set, and the code that
    // opens the WebSocket and wires its events (websocket-open.ts, loaded by connect() beside the
    // tables: 0.72 KB, as much for the Live app); and by translating the beta session config with
    // the table that names beta fields in refusals (0.21 KB): 24.47 KB, 24.62 KB once issue 19
    // composed the client of modules. Left: the error messages (about 3 KB of gzip, pinned word
    // for word by many tests), issues.ts (2 KB, needed synchronously: a bad session config throws
    // in the constructor), the client, and the usage meter (0.26 KB if its counting loaded at
    // connect, which needs its own import-free module apart from the totals and the Live meter).
    budgetKb: 25,
    platform: 'browser',
    forbid: [/node_modules\/zod\//],
  },
  {
    name: AUDIO_APP,
    code: "export { RealtimeClient, WebSocketTransport, defineTool } from 'voxwire'; export { MicrophoneCapture, AudioPlayer } from 'voxwire/audio';",
    over: APP,
    budgetKb: 10,
    platform: 'browser',
  },
  {
    // The React bindings (issue 17): every name of voxwire/react on top of the same app without
    // them (client, tools, microphone and player), React itself external as in any React app.
    name: 'voxwire/react on top (provider + every hook)',
    code: "export { RealtimeClient, WebSocketTransport, defineTool } from 'voxwire'; export { MicrophoneCapture, AudioPlayer } from 'voxwire/audio'; export * from 'voxwire/react';",
    over: AUDIO_APP,
    budgetKb: 3,
    platform: 'browser',
    external: ['react'],
    forbid: [/node_modules\/zod\//],
  },
  {
    name: 'translation: TranslationClient + WebRTCTransport',
    code: "export { TranslationClient, WebRTCTransport, translationProtocol } from 'voxwire';",
    platform: 'browser',
    forbid: [/node_modules\/zod\//],
  },
  {
    // GPT-Live's wire protocol alone: it must not load the Realtime validators or zod (issue 14).
    name: 'voxwire/live protocol (parse + serialize)',
    code: "export { parseLiveServerEvent, serializeLiveClientEvent } from 'voxwire/live';",
    platform: 'browser',
    forbid: [/node_modules\/zod\//],
  },
  {
    // A Live app (issue 14): its own budget, recorded beside the Realtime app's. It was 25.07 KB
    // while the transports defaulted to the Realtime protocol and the shared serializer to the
    // Realtime tables (about 11.8 KB minified of Realtime validators). The transports now take
    // their protocol from the client, the tables are arguments, and every generated table is
    // droppable: 22.01 KB, no Realtime validator at start (test/package/protocol-tables.test.ts).
    // The Realtime app pays 0.16 KB for it (realtimeProtocol, the protocol handed at connect).
    name: LIVE_APP,
    code: "export { LiveClient } from 'voxwire/live'; export { WebSocketTransport, defineTool } from 'voxwire';",
    budgetKb: 22.1,
    platform: 'browser',
    forbid: [/node_modules\/zod\//],
  },
  { name: 'voxwire (everything)', code: "export * from 'voxwire';", platform: 'browser' },
  { name: 'voxwire/server (everything)', code: "export * from 'voxwire/server';", platform: 'neutral' },
  // What a Worker deploys (issue 15): the Durable Objects relay and the relay core it reuses.
  { name: 'voxwire/server/cloudflare (everything)', code: "export * from 'voxwire/server/cloudflare';", platform: 'neutral' },
  { name: 'voxwire/testing (everything)', code: "export * from 'voxwire/testing';", platform: 'node' },
];

const enabled = (process.env.SIZE_SCENARIOS ?? '').split(',').filter(Boolean);
const outdir = join(tmpdir(), 'voxwire-size');

/** A chunk's name without esbuild's hash (`zod-json-schema-7MKKH7BX-Q2W3E4R5.js` → `zod-json-schema`). */
const chunkName = (path) =>
  path
    .slice(outdir.length + 1)
    .replace(/\.js$/, '')
    .replace(/(-[A-Z0-9]{8})+$/, '');

async function measure(scenario) {
  const result = await build({
    stdin: { contents: scenario.code, resolveDir: root, loader: 'js', sourcefile: 'app.js' },
    bundle: true,
    minify: true,
    splitting: true,
    format: 'esm',
    platform: scenario.platform,
    outdir,
    write: false,
    metafile: true,
    external: ['ws', 'ioredis', 'node:*', ...(scenario.external ?? [])],
    logLevel: 'silent',
    // Resolve the package through its own exports map, as an app would: the repository's
    // tsconfig maps `voxwire` to src/ for the examples, and esbuild would follow those paths.
    conditions: ['import', 'default'],
    tsconfigRaw: {},
  });
  const files = new Map(result.outputFiles.map((file) => [file.path, file.contents]));
  const outputs = result.metafile.outputs;
  const absolute = (path) => join(root, path);
  // The app's own chunk: chunks behind a dynamic `import()` are entry points too.
  const entry = Object.keys(outputs).find((path) => /(^|\/)app\.js$/.test(outputs[path].entryPoint ?? ''));

  // Load time: the entry chunk and, transitively, what it imports statically.
  const atLoad = new Set();
  const lazyRoots = new Set();
  const walk = (path) => {
    if (atLoad.has(path)) return;
    atLoad.add(path);
    for (const imported of outputs[path].imports) {
      if (imported.external) continue;
      if (imported.kind === 'dynamic-import') lazyRoots.add(imported.path);
      else walk(imported.path);
    }
  };
  walk(entry);

  const sizeOf = (paths) => {
    let min = 0;
    let gzip = 0;
    for (const path of paths) {
      const bytes = files.get(absolute(path));
      min += bytes.length;
      gzip += gzipSync(bytes, { level: 9 }).length;
    }
    return { min, gzip };
  };

  // On demand: each dynamically imported chunk with what it adds on top of the load-time code.
  const onDemand = [...lazyRoots]
    .filter((path) => !atLoad.has(path))
    .map((path) => {
      const added = new Set();
      const add = (chunk) => {
        if (atLoad.has(chunk) || added.has(chunk)) return;
        added.add(chunk);
        for (const imported of outputs[chunk].imports) if (!imported.external && imported.kind !== 'dynamic-import') add(imported.path);
      };
      add(path);
      return { name: chunkName(absolute(path)), ...sizeOf(added) };
    });

  const forbidden = [];
  for (const path of atLoad) {
    for (const input of Object.keys(outputs[path].inputs)) {
      if ((scenario.forbid ?? []).some((pattern) => pattern.test(input))) forbidden.push(input);
    }
  }
  return { ...sizeOf(atLoad), onDemand, forbidden };
}

const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
const sizes = new Map();
const rows = [];
let failed = false;
for (const scenario of scenarios) {
  if (enabled.length && !enabled.includes(scenario.name)) continue;
  let size;
  try {
    size = await measure(scenario);
  } catch (error) {
    console.error(`size: cannot bundle "${scenario.name}": ${error.message.split('\n')[0]}`);
    failed = true;
    continue;
  }
  sizes.set(scenario.name, size);
  const base = scenario.over ? sizes.get(scenario.over) : undefined;
  const measured = base ? size.gzip - base.gzip : size.gzip;
  let verdict = scenario.budgetKb === undefined ? '' : measured / 1024 <= scenario.budgetKb ? 'ok' : 'OVER BUDGET';
  if (size.forbidden.length > 0) {
    console.error(`size: "${scenario.name}" loads modules it must not load at start:\n  ${size.forbidden.join('\n  ')}`);
    verdict = verdict === '' ? 'FORBIDDEN MODULE' : `${verdict}, FORBIDDEN MODULE`;
  }
  if (verdict.includes('OVER') || verdict.includes('FORBIDDEN')) failed = true;
  const lazy = size.onDemand.filter((chunk) => !base?.onDemand.some((known) => known.name === chunk.name));
  rows.push([
    scenario.name,
    `${(size.min / 1024).toFixed(1)} KB`,
    kb(size.gzip),
    base ? `+${kb(measured)}` : '',
    scenario.budgetKb === undefined ? '' : `≤ ${scenario.budgetKb} KB${base ? ' on top' : ''}`,
    verdict,
    lazy.map((chunk) => `${chunk.name} ${kb(chunk.gzip)}`).join(', '),
  ]);
}

const header = ['scenario', 'minified', 'min+gzip at load', 'delta', 'budget', '', 'loaded on demand (gzip)'];
const table = [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
console.log(table);

if (process.argv.includes('--write')) {
  const readmePath = `${root}bench/README.md`;
  const readme = readFileSync(readmePath, 'utf8');
  const marker = '<!-- filled by scripts/size.mjs (npm run size) -->';
  const start = readme.indexOf(marker);
  const next = readme.indexOf('\n## ', start);
  const body = [
    marker,
    'Command: `npm run build && node scripts/size.mjs --write`. esbuild bundles the built ESM entry with its',
    'dependencies, minified and code-split as Vite / Rollup ship it; each chunk is gzipped (-9). *At load* counts',
    'the entry chunk and every chunk it imports statically; chunks behind a dynamic `import()` are *loaded on',
    'demand* and listed apart. The check fails the build when a budget is passed, or when the app scenario loads',
    'zod at start.',
    '',
    table,
    '',
  ].join('\n');
  writeFileSync(readmePath, readme.slice(0, start) + body + readme.slice(next));
}

if (failed) {
  console.error('size: a budget was passed, a forbidden module loads at start, or a scenario could not be bundled');
  process.exit(1);
}
