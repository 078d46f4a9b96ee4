import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'

import { defineConfig } from 'vite'

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url))
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)]

/**
 * The `pinpoint` CLI as an ESM entry with its dependencies inside, and chunks beside it. Loading ~150 TypeScript
 * files through Node's type stripping (a WebAssembly compiler) and resolving every package costs about 0.3 s and
 * 40 MiB before the first byte moves; the bundle starts in a third of that. bin/pinpoint.js falls back to the
 * sources when they are newer than the bundle, so an edit is never shadowed by a stale build.
 *
 * The bundle and its chunks sit two folders deep (dist/cli/) as electron/serve/ does, so
 * `new URL('../../dist/renderer', import.meta.url)` finds the built renderer from any of them.
 */
export default defineConfig({
  build: {
    outDir: fromRoot('./dist/cli'),
    emptyOutDir: true,
    target: 'node24',
    ssr: true,
    minify: false,
    rolldownOptions: {
      input: { pinpoint: fromRoot('./electron/cli/bin-entry.ts') },
      external: nodeBuiltins,
      // What only some commands need (OpenPGP for a signature, the WebSocket server for serve) is a chunk of its
      // own, loaded when used: every command otherwise reads and compiles it, about 40 ms of each start.
      output: {
        format: 'es',
        entryFileNames: '[name].mjs',
        chunkFileNames: '[name]-[hash].mjs',
        // Every command reads, hashes (for the compile cache) and keeps in memory the text of the chunks it loads.
        // Without doc comments they are a fifth smaller, and in ASCII alone V8 holds them one byte per
        // character instead of two: about 10 ms of each start. Licence notices stay.
        comments: { legal: true, annotation: false, jsdoc: false },
        charset: 'ascii',
      },
    },
  },
  ssr: { noExternal: true },
})
