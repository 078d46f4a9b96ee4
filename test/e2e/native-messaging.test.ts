import { createServer, type Server } from 'node:http'
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { type BrowserContext } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'

import { startCore, type Core } from '../../electron/app-core.ts'
import { launcherScript } from '../../electron/cli/host-manifest.ts'
import { writeHostManifest } from '../../electron/cli/integrate-command.ts'
import { APP_PAGE_URL } from '../../electron/shell/app-protocol.ts'
import { EXTENSION_ID, EXTENSION_PUBLIC_KEY, NATIVE_HOST_NAME } from '../../shared/extension-id.ts'
import { APP_VERSION } from '../../shared/version.ts'
import { BIN } from '../fixtures/run-cli.ts'
import { launchWithExtension } from './harness/extension-browser.ts'

/**
 * The real round trip: Debian's Chromium loads an unpacked extension carrying our manifest `key` (so its id is
 * EXTENSION_ID, the only one the host manifest allows), its service worker asks the native host for `hello`,
 * and reports the answer to a loopback listener of this test.
 */
let context: BrowserContext | undefined
let core: Core | undefined
let listener: Server | undefined
afterEach(async () => {
  await context?.close()
  await core?.shutdown()
  await new Promise<void>((resolve) => (listener ? listener.close(() => resolve()) : resolve()))
  context = core = listener = undefined
})

/** Runs the extension against a host manifest that allows `allowedId`, and returns what its worker reported. */
async function roundTrip(allowedId: string): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), 'pinpoint-native-chromium-'))
  const state = join(dir, 'state')
  core = await startCore({
    stateDir: state,
    defaultDownloadDir: join(dir, 'downloads'),
    appUrl: APP_PAGE_URL,
    desktop: { chooseFolder: async () => undefined, reveal: () => {}, open: async () => '' },
    emit: () => {},
  })
  let report: (answer: string) => void = () => {}
  const reported = new Promise<string>((resolve) => (report = resolve))
  listener = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname === '/report') report(url.searchParams.get('answer') ?? '')
    res.end('ok')
  })
  await new Promise<void>((resolve) => listener?.listen(0, '127.0.0.1', resolve))
  const port = (listener.address() as { port: number }).port

  const ext = join(dir, 'extension')
  await mkdir(ext)
  await writeFile(
    join(ext, 'manifest.json'),
    JSON.stringify({
      manifest_version: 3,
      name: 'Pinpoint native messaging test',
      version: '1.0',
      key: EXTENSION_PUBLIC_KEY,
      permissions: ['nativeMessaging'],
      host_permissions: ['http://127.0.0.1/*'],
      background: { service_worker: 'background.js' },
    }),
  )
  await writeFile(
    join(ext, 'background.js'),
    `const send = (answer) => fetch('http://127.0.0.1:${port}/report?answer=' + encodeURIComponent(JSON.stringify(answer)))
chrome.runtime.sendNativeMessage(${JSON.stringify(NATIVE_HOST_NAME)}, { type: 'hello' })
  .then((answer) => send({ id: chrome.runtime.id, answer }))
  .catch((err) => send({ id: chrome.runtime.id, error: String(err && err.message) }))
`,
  )
  const profile = join(dir, 'profile')
  const launcher = join(dir, 'pinpoint-native-host')
  await writeFile(launcher, launcherScript('linux', process.execPath, BIN, state))
  await chmod(launcher, 0o755)
  const manifest = join(profile, 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`)
  await writeHostManifest(manifest, 'chromium', launcher, allowedId)

  context = await launchWithExtension(profile, { extension: ext, headless: false, args: ['--headless=new'] })
  return JSON.parse(await reported) as unknown
}

describe('the native host from a real Chromium extension', () => {
  it('answers hello through the manifest integrate writes, to our extension id', async () => {
    expect(await roundTrip(EXTENSION_ID)).toEqual({
      id: EXTENSION_ID,
      answer: { type: 'hello', version: APP_VERSION, connected: true },
    })
  }, 60_000)

  it('is not started for an extension the manifest does not name', async () => {
    expect(await roundTrip('abcdefghijklmnopabcdefghijklmnop')).toEqual({
      id: EXTENSION_ID,
      error: expect.stringMatching(/forbidden/),
    })
  }, 60_000)
})
