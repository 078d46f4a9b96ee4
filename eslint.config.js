import { builtinModules } from 'node:module'

import reactHooks from 'eslint-plugin-react-hooks'
import { defineConfig, globalIgnores } from 'eslint/config'
import tseslint from 'typescript-eslint'

/**
 * Layering, enforced with core rules only (no import plugin).
 *
 * Inside electron/, each part imports only the parts below it: transport (connections) and store (the database)
 * import nothing of ours but shared/; the engine (one download) builds on transport and store; the queue on the
 * engine; core/ (the one composition root, openCore, and the control socket) on those; the IPC handlers, app-core.ts
 * (the core with IPC, as the app and serve run it), the CLI and `pinpoint serve` on all of those.
 * Only electron/shell/ and the two IPC adapters that hand the dispatcher to Electron import 'electron', so the
 * rest runs under plain Node (the CLI, `pinpoint serve`, the tests). shared/ runs everywhere: no node:*, no
 * electron, no React. test/unit/lint/layering.test.ts lints a forbidden import in each part, so these cannot rot.
 *
 * Flat config replaces a rule's options wholesale when a later block matches the same file, so every area gets ONE
 * `no-restricted-imports` / `no-restricted-syntax` pair built by `boundaries()`, which always includes the IPC bans.
 * The area blocks below match disjoint folders and come after the catch-all block; only the block for the two
 * Electron adapters in ipc/ overlaps ipc/'s, and comes after it to replace its pair for those two files.
 *
 * The import patterns are regexes (not gitignore globs) so `node:*`, bare built-ins and `../electron/...` are all
 * caught; their slashes are escaped because the same patterns are embedded in esquery `/regex/` selectors that ban
 * dynamic `import()`.
 */

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
const bareBuiltins = builtinModules.filter((m) => !m.startsWith('_') && !m.includes(':')).map(escape)

const NODE = {
  regex: `^(node:.*|(${bareBuiltins.join('|')})(\\/.*)?)$`,
  message: 'Node built-ins are main-process only; this code must also run in the sandboxed renderer.',
}
const ELECTRON = {
  regex: '^electron(\\/.*)?$',
  message:
    "Only electron/shell/ and the IPC adapters (electron/ipc/serve.ts, emit.ts) import 'electron'; this code also runs under plain Node.",
}
const ELECTRON_DIR = {
  regex: '^(\\.{1,2}\\/|\\/)(.*\\/)?electron(\\/|$)',
  message: 'The renderer and shared/ never import from electron/ (main-process code); go through window.api.',
}
const REACT = {
  regex: '^(react|react-dom)(\\/.*)?$',
  message: 'shared/ is UI-free: no React.',
}

/** The parts of electron/ that import each other, from the bottom up (app-core is the file electron/app-core.ts). */
const PARTS = [
  'signatures',
  'transport',
  'store',
  'engine',
  'queue',
  'core',
  'ipc',
  'app-core',
  'cli',
  'serve',
  'shell',
]

/**
 * A ban on relative imports of the parts of electron/ that `part` may not import: everything but itself and
 * `allowed`. It catches `../queue/queue.ts`, `./queue/…` from app-core.ts and `../../electron/queue/…` alike.
 *
 * @param {string} part
 * @param {string[]} allowed
 * @param {string[]} [except] paths (relative to electron/) that stay allowed although their part is banned
 */
function layer(part, allowed, except = []) {
  const banned = PARTS.filter((p) => p !== part && !allowed.includes(p))
  const names = banned.map((p) => (p === 'app-core' ? 'app-core(\\.[jt]s)?' : escape(p)))
  const keep = except.map((e) => `(?!${escape(e)}$)`).join('')
  const where = part === 'app-core' ? 'electron/app-core.ts' : `electron/${part}/`
  const may = allowed.length > 0 ? allowed.join(', ') + ' and shared/' : 'only shared/'
  return {
    regex: `^(\\.{1,2}\\/)+${keep}(electron\\/)?(${names.join('|')})(\\/|$)`,
    message: `${where} may import ${may} of this project, not ${banned.join(', ')}: see the layering in eslint.config.js.`,
  }
}

/**
 * The folder-naming rules of `pinpoint serve` (roots.ts) are plain path checks the IPC handlers share, and the
 * native host's manifest locations (host-manifest.ts) are plain functions the Settings share with `integrate`.
 */
const IPC_LAYER = layer(
  'ipc',
  ['signatures', 'transport', 'store', 'engine', 'queue'],
  ['serve/roots.ts', 'cli/host-manifest.ts'],
)

const IPC_RENDERER = {
  name: 'electron',
  importNames: ['ipcRenderer'],
  message: 'ipcRenderer is used only by electron/shell/preload.ts, the generic bridge derived from the contract.',
}
const IPC_MAIN = {
  name: 'electron',
  importNames: ['ipcMain'],
  message: 'ipcMain is used only under electron/ipc/ (serve.ts checks the sender and parses the input).',
}

/** Catches `electron.ipcRenderer`, `(await import('electron')).ipcMain` and the like, which import bans miss. */
const memberBan = (property, message) => ({
  selector: `MemberExpression[property.name='${property}']`,
  message,
})
const SEND = {
  selector: "CallExpression[callee.property.name='send'][callee.object.property.name='webContents']",
  message: 'Push to the renderer only through the typed emit() helper in electron/ipc/.',
}
const dynamicImportBan = (pattern, message) => ({
  selector: `ImportExpression[source.value=/${pattern.regex}/]`,
  message,
})

/**
 * The restriction rules for one area.
 *
 * @param {{ banned?: Array<{ regex: string, message: string }>, ipcRenderer?: boolean, ipcMain?: boolean }} area
 */
function boundaries({ banned = [], ipcRenderer = false, ipcMain = false } = {}) {
  const paths = [...(ipcRenderer ? [] : [IPC_RENDERER]), ...(ipcMain ? [] : [IPC_MAIN])]
  const syntax = [
    ...(ipcRenderer ? [] : [memberBan('ipcRenderer', IPC_RENDERER.message)]),
    ...(ipcMain ? [] : [memberBan('ipcMain', IPC_MAIN.message), SEND]),
    ...banned.map((b) => dynamicImportBan(b, b.message)),
  ]
  return {
    'no-restricted-imports': [
      'error',
      {
        paths,
        patterns: banned.map(({ regex, message }) => ({ regex, message })),
      },
    ],
    'no-restricted-syntax': ['error', ...syntax],
  }
}

export default defineConfig([
  globalIgnores(['dist/', 'release/', 'node_modules/', 'coverage/', 'test-results/', 'screenshots/']),

  tseslint.configs.recommended,

  {
    name: 'pinpoint/base',
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
      ...boundaries(),
    },
  },

  {
    name: 'pinpoint/preload',
    files: ['electron/shell/preload.ts'],
    rules: boundaries({ ipcRenderer: true }),
  },
  {
    name: 'pinpoint/ipc',
    files: ['electron/ipc/**'],
    rules: boundaries({ ipcMain: true, banned: [ELECTRON, IPC_LAYER] }),
  },
  {
    // The two files that hand the dispatcher and the typed emit to Electron; everything else in ipc/ is plain Node.
    name: 'pinpoint/ipc-electron-adapters',
    files: ['electron/ipc/serve.ts', 'electron/ipc/emit.ts'],
    rules: boundaries({ ipcMain: true, banned: [IPC_LAYER] }),
  },
  {
    // Signature formats and their checks: pure functions over bytes and keys, used by the engine, the CLI and
    // the host-profile import alike.
    name: 'pinpoint/signatures',
    files: ['electron/signatures/**'],
    rules: boundaries({ banned: [ELECTRON, layer('signatures', [])] }),
  },
  {
    name: 'pinpoint/transport',
    files: ['electron/transport/**'],
    rules: boundaries({ banned: [ELECTRON, layer('transport', [])] }),
  },
  {
    name: 'pinpoint/store',
    files: ['electron/store/**'],
    rules: boundaries({ banned: [ELECTRON, layer('store', [])] }),
  },
  {
    name: 'pinpoint/engine',
    files: ['electron/engine/**'],
    rules: boundaries({ banned: [ELECTRON, layer('engine', ['signatures', 'transport', 'store'])] }),
  },
  {
    name: 'pinpoint/queue',
    files: ['electron/queue/**'],
    rules: boundaries({ banned: [ELECTRON, layer('queue', ['signatures', 'engine', 'store', 'transport'])] }),
  },
  {
    name: 'pinpoint/core',
    files: ['electron/core/**'],
    rules: boundaries({ banned: [ELECTRON, layer('core', ['signatures', 'transport', 'store', 'engine', 'queue'])] }),
  },
  {
    name: 'pinpoint/app-core',
    files: ['electron/app-core.ts'],
    rules: boundaries({
      banned: [ELECTRON, layer('app-core', ['signatures', 'transport', 'store', 'engine', 'queue', 'core', 'ipc'])],
    }),
  },
  {
    name: 'pinpoint/cli',
    files: ['electron/cli/**'],
    rules: boundaries({
      banned: [
        ELECTRON,
        layer('cli', ['signatures', 'transport', 'store', 'engine', 'queue', 'core', 'ipc', 'app-core', 'serve']),
      ],
    }),
  },
  {
    name: 'pinpoint/serve',
    files: ['electron/serve/**'],
    rules: boundaries({
      banned: [
        ELECTRON,
        layer('serve', ['signatures', 'transport', 'store', 'engine', 'queue', 'core', 'ipc', 'app-core']),
      ],
    }),
  },
  {
    name: 'pinpoint/shared',
    files: ['shared/**'],
    rules: boundaries({ banned: [ELECTRON, NODE, REACT, ELECTRON_DIR] }),
  },
  {
    name: 'pinpoint/renderer',
    files: ['renderer/**'],
    rules: boundaries({ banned: [ELECTRON, NODE, ELECTRON_DIR] }),
  },

  {
    // The browser extension runs in the browser only and talks to Pinpoint over native messaging, never by import.
    name: 'pinpoint/extension',
    files: ['extension/**'],
    rules: boundaries({ banned: [ELECTRON, NODE, ELECTRON_DIR, REACT] }),
  },

  {
    name: 'pinpoint/react-hooks',
    files: ['renderer/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
  },
])
