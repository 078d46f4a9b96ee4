import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

import { openStore, DB_FILE } from '../store/open-store.ts'
import { connectControl, type ControlClient } from './control-client.ts'

const START_WAIT_MS = 20_000

/**
 * Whether the saved `startFromBrowser` setting allows a start, and the saved download folder (which the started
 * `serve` must take as a root), read without taking the lock: nothing holds the folder now.
 */
export function startFromBrowserAllowed(stateDir: string): { downloadDir?: string } | undefined {
  if (!existsSync(join(stateDir, DB_FILE))) return undefined
  try {
    const store = openStore({ dir: stateDir, readOnly: true })
    try {
      if (store.settings.get('startFromBrowser') !== true) return undefined
      const dir = store.settings.get('downloadDir')
      return typeof dir === 'string' && dir !== '' ? { downloadDir: dir } : {}
    } finally {
      store.close()
    }
  } catch {
    return undefined
  }
}

/**
 * Starts `pinpoint serve` on this state folder, detached from the browser's host process (which the browser
 * ends after each message), and connects to it once its control socket answers. Undefined when it did not come
 * up in time: the caller answers "not running" rather than waiting on.
 */
export async function startServeFor(stateDir: string, downloadDir?: string): Promise<ControlClient | undefined> {
  const root = downloadDir === undefined ? [] : ['--root', downloadDir]
  const args = [process.argv[1] ?? '', 'serve', '--state-dir', stateDir, '--port', '0', '--token-file', ...root]
  return startAndConnect(stateDir, process.execPath, args)
}

/** How the host starts a Pinpoint for the state folder when none runs: `serve` by default, the app when packaged. */
export type StartPinpoint = (stateDir: string, downloadDir?: string) => Promise<ControlClient | undefined>

/**
 * Starts `command` detached from the browser's host process and connects once the state folder's control socket
 * answers; undefined when the process ended or did not come up in time.
 */
export async function startAndConnect(
  stateDir: string,
  command: string,
  args: readonly string[],
): Promise<ControlClient | undefined> {
  const child = spawn(command, args, { detached: true, stdio: 'ignore', env: process.env })
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.once('error', () => resolve())
  })
  let gone = false
  void exited.then(() => (gone = true))
  child.unref()
  const deadline = Date.now() + START_WAIT_MS
  while (!gone && Date.now() < deadline) {
    const client = await connectControl(stateDir)
    if (client) return client
    await new Promise((resolve) => setTimeout(resolve, 150))
  }
  return undefined
}
