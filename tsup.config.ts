import { defineConfig } from 'tsup';

/**
 * One build for the entry points. Splitting is on for both formats so code shared by
 * entries (events, errors, codecs) exists once and `instanceof RealtimeError` holds across
 * `voxwire` and `voxwire/server`.
 */
export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      'audio/index': 'src/audio/index.ts',
      'live/index': 'src/live/index.ts',
      'events/index': 'src/events/index.ts',
      'server/index': 'src/server/index.ts',
      'server/adapter': 'src/server/adapter.ts',
      'server/cloudflare': 'src/server/cloudflare.ts',
      'server/node': 'src/server/node.ts',
      'testing/index': 'src/testing/index.ts',
      'react/index': 'src/react/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    splitting: true,
    // No source maps in the package: the output is not minified (stack traces already read as
    // the source), and maps were a third of the install (issue 17).
    sourcemap: false,
    clean: true,
    treeshake: true,
    // `import.meta.url` in CJS output (the fixture loader finds its files with it).
    shims: true,
    target: 'es2022',
    platform: 'neutral',
    external: ['ws', 'ioredis', 'react', /^node:/],
  },
]);
