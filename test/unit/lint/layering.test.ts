import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

/**
 * The layering rules of eslint.config.js, run by ESLint itself on an import placed in each part of the tree: a
 * forbidden import must be reported, and the imports the code needs must not be, so the rules cannot silently
 * stop matching (a renamed folder, a regex that no longer fits).
 */

const root = fileURLToPath(new URL('../../..', import.meta.url))
const eslint = new ESLint({ cwd: root })
const LAYERING = new Set(['no-restricted-imports', 'no-restricted-syntax'])

/** The layering complaints ESLint makes about `code` as the file `path` (which need not exist). */
async function complaints(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath: join(root, path) })
  return (result?.messages ?? []).filter((m) => m.ruleId !== null && LAYERING.has(m.ruleId)).map((m) => m.message)
}

const forbidden: Array<[file: string, code: string, why: RegExp]> = [
  [
    'electron/transport/probe.ts',
    "import { Queue } from '../queue/queue.ts'",
    /electron\/transport\/ may import only shared/,
  ],
  ['electron/transport/probe.ts', "import type { Store } from '../store/open-store.ts'", /transport/],
  ['electron/transport/probe.ts', "import { Queue } from '../../electron/queue/queue.ts'", /transport/],
  ['electron/transport/probe.ts', "export const m = await import('../engine/finalize.ts')", /transport/],
  [
    'electron/store/open-store.ts',
    "import { finalize } from '../engine/finalize.ts'",
    /electron\/store\/ may import only/,
  ],
  [
    'electron/engine/finalize.ts',
    "import { Queue } from '../queue/queue.ts'",
    /electron\/engine\/ may import signatures, transport, store/,
  ],
  ['electron/queue/queue.ts', "import { createIpc } from '../ipc/create-ipc.ts'", /electron\/queue\//],
  ['electron/queue/queue.ts', "import { startCore } from '../app-core.ts'", /electron\/queue\//],
  ['electron/ipc/handlers.ts', "import { main } from '../cli/main.ts'", /electron\/ipc\//],
  ['electron/ipc/handlers.ts', "import { startServe } from '../serve/start-serve.ts'", /electron\/ipc\//],
  ['electron/ipc/handlers.ts', "import { startCore } from '../app-core.ts'", /electron\/ipc\//],
  ['electron/app-core.ts', "import { startServe } from './serve/start-serve.ts'", /electron\/app-core\.ts/],
  ['electron/core/open-core.ts', "import { createIpc } from '../ipc/create-ipc.ts'", /electron\/core\//],
  ['electron/core/open-core.ts', "import { getCommand } from '../cli/get-command.ts'", /electron\/core\//],
  ['electron/core/open-core.ts', "import { app } from 'electron'", /electron/],
  ['electron/app-core.ts', "import { main } from './cli/main.ts'", /electron\/app-core\.ts/],
  ['electron/cli/main.ts', "import { createTray } from '../shell/tray.ts'", /electron\/cli\//],
  ['electron/serve/start-serve.ts', "import { main } from '../cli/main.ts'", /electron\/serve\//],
  ['electron/serve/start-serve.ts', "import { createTray } from '../shell/tray.ts'", /electron\/serve\//],
  ...[
    'transport/a.ts',
    'engine/a.ts',
    'queue/a.ts',
    'store/a.ts',
    'ipc/a.ts',
    'cli/a.ts',
    'serve/a.ts',
    'app-core.ts',
  ].map((file): [string, string, RegExp] => [
    `electron/${file}`,
    "import { app } from 'electron'",
    /import 'electron'/,
  ]),
  ['electron/serve/start-serve.ts', "export const e = await import('electron')", /import 'electron'/],
  ['shared/ipc.ts', "import { readFile } from 'node:fs/promises'", /Node built-ins/],
  ['shared/ipc.ts', "import { readFile } from 'fs'", /Node built-ins/],
  ['shared/ipc.ts', "import { useState } from 'react'", /no React/],
  ['shared/ipc.ts', "import { app } from 'electron'", /import 'electron'/],
  ['shared/ipc.ts', "import { Queue } from '../electron/queue/queue.ts'", /never import from electron\//],
]

const allowed: Array<[file: string, code: string]> = [
  ['electron/transport/probe.ts', "import { PinpointError } from '../../shared/pinpoint-error.ts'"],
  ['electron/transport/probe.ts', "import { connect } from 'node:tls'"],
  ['electron/engine/finalize.ts', "import { createTransport } from '../transport/transport.ts'"],
  ['electron/engine/finalize.ts', "import type { Store } from '../store/open-store.ts'"],
  ['electron/queue/queue.ts', "import { finalize } from '../engine/finalize.ts'"],
  ['electron/ipc/handlers.ts', "import { Queue } from '../queue/queue.ts'"],
  ['electron/ipc/folder-handlers.ts', "import { nameSubFolder } from '../serve/roots.ts'"],
  ['electron/ipc/serve.ts', "import { ipcMain } from 'electron'"],
  ['electron/ipc/emit.ts', "import type { WebContents } from 'electron'"],
  ['electron/app-core.ts', "import { Queue } from './queue/queue.ts'"],
  ['electron/app-core.ts', "import { openCore } from './core/open-core.ts'"],
  ['electron/core/open-core.ts', "import { Queue } from '../queue/queue.ts'"],
  ['electron/cli/open-engine.ts', "import { openCore } from '../core/open-core.ts'"],
  ['electron/cli/serve-command.ts', "import { startServe } from '../serve/start-serve.ts'"],
  ['electron/serve/start-serve.ts', "import { startCore } from '../app-core.ts'"],
  ['electron/shell/main.ts', "import { app } from 'electron'"],
  ['electron/shell/main.ts', "import { startCore } from '../app-core.ts'"],
]

describe('the layering rules in eslint.config.js', () => {
  it.each(forbidden)('report %s importing: %s', async (file, code, why) => {
    const found = await complaints(file, code)
    expect(found).not.toEqual([])
    expect(found.join('\n')).toMatch(why)
  })

  it.each(allowed)('allow %s importing: %s', async (file, code) => {
    expect(await complaints(file, code)).toEqual([])
  })
})
