import { existsSync } from 'node:fs'
import { mkdir, readFile, realpath, stat } from 'node:fs/promises'
import { join } from 'node:path'

import { expect } from 'vitest'

import { connectControl, type ControlClient } from '../../../electron/cli/control-client.ts'
import { NATIVE_HOST_NAME } from '../../../shared/extension-id.ts'
import type { TransferView } from '../../../shared/transfer.ts'
import { startAuthNginx, type AuthLogEntry, type AuthNginx } from '../../fixtures/nginx-auth.ts'
import { sha256 } from '../../fixtures/payload.ts'
import { BIN, runCli } from '../../fixtures/run-cli.ts'
import { startServerProcess, type ServerProcess } from '../../fixtures/server-process.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

/**
 * What the browser hand-off suites stand on, all real: an nginx that serves `/cookie/file.bin` only to a request
 * carrying the session cookie its /login page set, a folder of the suite's own, and the native messaging host
 * installed by `pinpoint integrate` in a home of its own, as a user installs it (the launcher in the state
 * folder, the manifest where that browser looks for it under that home).
 */
export interface HandoffWorld {
  nginx: AuthNginx
  /** The suite's folder (its real path: the browser and the host report real paths). */
  dir: string
  home: string
  stateDir: string
  /** The host manifest `integrate` wrote. */
  manifest: string
}

/** Where each browser looks for a user's native messaging host manifests, under its home. */
const MANIFEST_DIRS = {
  chromium: join('.config', 'chromium', 'NativeMessagingHosts'),
  firefox: join('.mozilla', 'native-messaging-hosts'),
} as const

export type HandoffBrowser = keyof typeof MANIFEST_DIRS

export async function startHandoffWorld(opts: {
  browser: HandoffBrowser
  /** The unpacked extension the suite loads: checked first, so a missing build fails before anything starts. */
  extensionDir: string
  file: Buffer
  session: string
  /** Names the suite's temporary folder. */
  tag: string
}): Promise<HandoffWorld> {
  if (!existsSync(join(opts.extensionDir, 'manifest.json'))) {
    throw new Error(`${opts.extensionDir} has no manifest.json: run \`npm run build\` before the e2e tests`)
  }
  const nginx = await startAuthNginx({
    file: opts.file,
    user: 'u',
    password: 'p',
    realm: 'r',
    token: 't',
    session: opts.session,
    bearer: 'b',
  })
  let dir: string | undefined
  try {
    dir = await realpath(await makeTempDir(opts.tag))
    const home = join(dir, 'home')
    const stateDir = join(dir, 'state')
    await mkdir(home)
    const integrate = await runCli(['integrate', '--browser', opts.browser], {
      env: { HOME: home, PINPOINT_STATE_DIR: stateDir },
    })
    expect(integrate.code, integrate.stderr).toBe(0)
    const manifest = join(home, MANIFEST_DIRS[opts.browser], `${NATIVE_HOST_NAME}.json`)
    expect(existsSync(manifest)).toBe(true)
    return { nginx, dir, home, stateDir, manifest }
  } catch (err) {
    // The suite never gets the world to close: nothing it started may outlive the failure.
    await nginx.stop()
    if (dir) await removeTempDir(dir)
    throw err
  }
}

export async function closeHandoffWorld(world: HandoffWorld | undefined): Promise<void> {
  await world?.nginx.stop()
  if (world) await removeTempDir(world.dir)
}

/**
 * `pinpoint serve` as a child process on a free port, downloading into `root`, and a client of its control
 * socket, which answers a little after its HTTP port does.
 */
export async function startServeProcess(
  stateDir: string,
  root: string,
): Promise<{ serve: ServerProcess; control: ControlClient }> {
  const serve = await startServerProcess({
    name: 'pinpoint serve',
    prepare: async (port) => ({
      command: process.execPath,
      args: [BIN, 'serve', '--state-dir', stateDir, '--port', String(port), '--root', root],
    }),
  })
  const deadline = Date.now() + 20_000
  for (;;) {
    const control = await connectControl(stateDir)
    if (control) return { serve, control }
    if (Date.now() > deadline) {
      await serve.stop()
      throw new Error(`no control socket in ${stateDir}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** The file only a signed-in request gets. */
export const signedInFileUrl = (nginx: AuthNginx): string => `${nginx.base}/cookie/file.bin`

/** Pinpoint's own requests for it: its first GET asks for `Range: bytes=0-`, which a browser's download never does. */
export const pinpointRequests = (nginx: AuthNginx): AuthLogEntry[] =>
  nginx.accessLog().filter((e) => e.request.startsWith('GET /cookie/file.bin ') && e.http_range !== '')

/** Wait until serve has completed the download of `url`, and check it is `file`, byte for byte, under `root`. */
export async function expectSavedByServe(
  control: ControlClient,
  url: string,
  root: string,
  file: Buffer,
  timeout: number,
): Promise<void> {
  const transfer = async () =>
    (await control.request<{ transfers: TransferView[] }>('transfers:list', {})).transfers.find((t) => t.url === url)
  await expect.poll(async () => (await transfer())?.state, { timeout }).toBe('completed')
  const saved = (await transfer())?.savedPath as string
  expect(saved.startsWith(`${root}/`)).toBe(true)
  expect((await stat(saved)).size).toBe(file.length)
  expect(sha256(await readFile(saved))).toBe(sha256(file))
}
