import { builtinModules } from 'node:module'

import reactHooks from 'eslint-plugin-react-hooks'
import { defineConfig, globalIgnores } from 'eslint/config'
import tseslint from 'typescript-eslint'

/**
 * Layering, enforced with core rules only (no import plugin).
 *
 * Flat config replaces a rule's options wholesale when a later block matches the same file, so every area gets ONE
 * `no-restricted-imports` / `no-restricted-syntax` pair built by `boundaries()`, which always includes the IPC bans.
 * The area blocks below match disjoint folders and come after the catch-all block.
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
  message: "Only the shell files in electron/ (main, window, tray, preload, ipc/) may import 'electron'.",
}
const ELECTRON_DIR = {
  regex: '^(\\.{1,2}\\/|\\/)(.*\\/)?electron(\\/|$)',
  message: 'The renderer and shared/ never import from electron/ (main-process code); go through window.api.',
}
const REACT = {
  regex: '^(react|react-dom)(\\/.*)?$',
  message: 'shared/ is UI-free: no React.',
}

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
    rules: boundaries({ ipcMain: true }),
  },
  {
    name: 'pinpoint/core',
    files: ['electron/{transport,engine,queue,store,cli}/**'],
    rules: boundaries({ banned: [ELECTRON] }),
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
    name: 'pinpoint/react-hooks',
    files: ['renderer/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
  },
])
