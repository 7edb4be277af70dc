/**
 * Each app bundles the validators of the protocol it speaks, and only those (issue 14): a GPT-Live
 * app (LiveClient + WebSocketTransport + defineTool) loads no Realtime validators at start, and a
 * Realtime app no Live ones. The transports have no built-in protocol (the client gives its own
 * at connect), the serializer every protocol shares takes its tables as arguments, and every
 * generated table is droppable when unused. Bundled from src/ with esbuild as an
 * app bundler would (tree-shaken, code-split); what loads at start is the entry chunk and what it
 * imports statically. scripts/size.mjs measures the same scenarios on dist/ in bytes.
 */
import { build } from 'esbuild';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const REALTIME_VALIDATORS = 'src/events/generated/validators.ts';
const REALTIME_SERVER_VALIDATORS = 'src/events/generated/server-validators.ts';
const LIVE_VALIDATORS = 'src/events/generated/live-validators.ts';
const TRANSLATION_VALIDATORS = 'src/events/generated/translation-validators.ts';

/** The source modules an app built from `code` runs at start, and those it loads on demand. */
async function bundleModules(code: string): Promise<{ atStart: Set<string>; onDemand: Set<string> }> {
  const result = await build({
    stdin: { contents: code, resolveDir: root, loader: 'ts', sourcefile: 'app.ts' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    outdir: join(root, 'node_modules/.cache/protocol-tables'),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  // The app's own chunk (chunks behind a dynamic `import()` are entry points too).
  const entry = Object.keys(outputs).find((path) => /(^|\/)app\.ts$/.test(outputs[path]?.entryPoint ?? ''));
  const atLoad = new Set<string>();
  const walk = (path: string): void => {
    if (atLoad.has(path)) return;
    atLoad.add(path);
    for (const imported of outputs[path]?.imports ?? []) if (!imported.external && imported.kind !== 'dynamic-import') walk(imported.path);
  };
  if (entry !== undefined) walk(entry);
  const atStart = new Set<string>();
  const onDemand = new Set<string>();
  for (const [path, output] of Object.entries(outputs)) for (const input of Object.keys(output.inputs)) (atLoad.has(path) ? atStart : onDemand).add(input);
  return { atStart, onDemand };
}

/** The source modules an app built from `code` runs at start. */
async function modulesAtLoad(code: string): Promise<Set<string>> {
  return (await bundleModules(code)).atStart;
}

describe('each app loads the validators of its own protocol only', () => {
  it('a Live app (LiveClient + WebSocketTransport + defineTool) loads no Realtime validators', async () => {
    const modules = await modulesAtLoad("export { LiveClient } from './src/live/index'; export { WebSocketTransport, defineTool } from './src/index';");
    expect(modules.has(LIVE_VALIDATORS)).toBe(true);
    expect(modules.has(REALTIME_VALIDATORS)).toBe(false);
    expect(modules.has(TRANSLATION_VALIDATORS)).toBe(false);
  });

  it('a Live app over WebRTC (LiveClient + WebRTCTransport) loads no Realtime validators', async () => {
    const modules = await modulesAtLoad("export { LiveClient, liveProtocol } from './src/live/index'; export { WebRTCTransport } from './src/index';");
    expect(modules.has(LIVE_VALIDATORS)).toBe(true);
    expect(modules.has(REALTIME_VALIDATORS)).toBe(false);
  });

  it('a Realtime app (RealtimeClient + WebSocketTransport + defineTool) loads no Live validators', async () => {
    const modules = await modulesAtLoad("export { RealtimeClient, WebSocketTransport, defineTool } from './src/index';");
    expect(modules.has(REALTIME_VALIDATORS)).toBe(true);
    expect(modules.has(REALTIME_SERVER_VALIDATORS)).toBe(false);
    expect(modules.has(LIVE_VALIDATORS)).toBe(false);
    expect(modules.has(TRANSLATION_VALIDATORS)).toBe(false);
  });

  it('a Realtime app loads the server event tables with the connection, not at start (issue 12)', async () => {
    const { atStart, onDemand } = await bundleModules("export { RealtimeClient, WebSocketTransport, defineTool } from './src/index';");
    expect(atStart.has(REALTIME_SERVER_VALIDATORS)).toBe(false);
    expect(onDemand.has(REALTIME_SERVER_VALIDATORS)).toBe(true);
  });

  it('a Realtime app loads the session limits and the tool argument parser on demand (issue 12)', async () => {
    const { atStart, onDemand } = await bundleModules("export { RealtimeClient, WebSocketTransport, defineTool } from './src/index';");
    for (const module of ['src/base/session-limits.ts', 'src/tools/arguments.ts']) {
      expect(atStart.has(module), module).toBe(false);
      expect(onDemand.has(module), module).toBe(true);
    }
  });

  it('a Live app loads the tool delegation and the client-delegate runner on demand (issue 19)', async () => {
    const { atStart, onDemand } = await bundleModules("export { LiveClient } from './src/live/index'; export { WebSocketTransport, defineTool } from './src/index';");
    for (const module of ['src/live/live-tool-delegation.ts', 'src/live/live-delegate-runner.ts']) {
      expect(atStart.has(module), module).toBe(false);
      expect(onDemand.has(module), module).toBe(true);
    }
  });

  it('a translation app (TranslationClient + WebRTCTransport) loads neither', async () => {
    const modules = await modulesAtLoad("export { TranslationClient, WebRTCTransport, translationProtocol } from './src/index';");
    expect(modules.has(TRANSLATION_VALIDATORS)).toBe(true);
    expect(modules.has(REALTIME_VALIDATORS)).toBe(false);
    expect(modules.has(LIVE_VALIDATORS)).toBe(false);
  });
});
