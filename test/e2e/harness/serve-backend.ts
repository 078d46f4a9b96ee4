import { mkdir, realpath } from 'node:fs/promises'
import { join } from 'node:path'

import { startServe } from '../../../electron/serve/start-serve.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'
import type { Backend } from './backend.ts'

/**
 * The real `pinpoint serve` daemon, in this process so tests can look at its core (the store is the truth the
 * rows must show). The page is opened at the URL the daemon prints, token included, so the renderer finds no
 * `window.api` and talks over the real WebSocket (renderer/ws-api.ts) through the daemon's token, Host and
 * Origin checks, exactly as a browser does.
 *
 * Two roots: the download folder, and `pickedDir` as a second root, so a test can move the download folder
 * where the bridge's fake dialog would have pointed.
 */
export async function startServeBackend(rendererDir: string, givenStateDir?: string): Promise<Backend> {
  const dir = await makeTempDir('e2e-serve')
  // Real paths, as the daemon confines and reports them.
  const base = await realpath(dir)
  const [stateDir, downloadDir, pickedDir] = ['state', 'downloads', 'picked'].map((k) => join(base, k)) as [
    string,
    string,
    string,
  ]
  await Promise.all([downloadDir, pickedDir].map((d) => mkdir(d)))
  const daemon = await startServe({
    port: 0,
    host: '127.0.0.1',
    roots: [downloadDir, pickedDir],
    stateDir: givenStateDir ?? stateDir,
    rendererDir,
  })
  return {
    transport: 'serve',
    core: daemon.core,
    pageUrl: daemon.url,
    downloadDir,
    pickedDir,
    desktop: { chooseFolder: 0, reveal: [], open: [] },
    emitted: [],
    daemon,
    attach: async () => {},
    loaded: () => {},
    async close() {
      await daemon.close()
      await removeTempDir(dir)
    },
  }
}
