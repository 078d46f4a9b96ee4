import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'

import { defineConfig } from 'vite'

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url))

const outDir = fromRoot('./dist/electron')
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)]

/**
 * The main process and the preload, built as two separate bundles in one `vite build`.
 *
 * - main: ESM for Node 24 (Electron 45). `electron`, Node built-ins and the packages in `dependencies` stay
 *   external; electron-builder ships `dependencies` inside the asar.
 * - preload: ONE self-contained CommonJS file. A sandboxed preload can only `require('electron')` and a few
 *   built-ins, so everything else (zod, shared/) is bundled in and nothing is split into chunks.
 */
export default defineConfig({
  environments: {
    main: {
      consumer: 'server',
      build: {
        outDir,
        emptyOutDir: true,
        target: 'node24',
        ssr: true,
        minify: false,
        rolldownOptions: {
          input: { main: fromRoot('./electron/shell/main.ts') },
          external: ['electron', ...nodeBuiltins],
          output: { format: 'es', entryFileNames: '[name].js' },
        },
      },
    },
    preload: {
      consumer: 'client',
      build: {
        outDir,
        emptyOutDir: false,
        target: 'chrome140',
        minify: false,
        copyPublicDir: false,
        modulePreload: false,
        rolldownOptions: {
          input: { preload: fromRoot('./electron/shell/preload.ts') },
          external: ['electron'],
          output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
        },
      },
    },
  },
  builder: {
    async buildApp(builder) {
      const { main, preload } = builder.environments
      if (main === undefined || preload === undefined) throw new Error('main and preload environments are required')
      await builder.build(main)
      await builder.build(preload)
    },
  },
})
