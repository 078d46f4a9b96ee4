import { readFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'

import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startServe, type Daemon } from '../../electron/serve/start-serve.ts'
import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts'
import { makePayload, sha256 } from '../fixtures/payload.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { chromiumPath, screenshotDir } from './harness/open-app.ts'
import { byId, expectRowState, openAddDialog, transferIdFor, visible } from './harness/ui.ts'

// The app in a real Chromium against `pinpoint serve`: the built renderer over HTTP, the IPC contract over the
// real WebSocket (no preload, no exposed binding), the token taken from the URL as a person would paste it.
let server: FaultServer
let daemon: Daemon
let browser: Browser
let page: Page
let downloadDir: string
const pageErrors: string[] = []
const files = new Map<string, Buffer>()

beforeAll(async () => {
  server = await startFaultServer()
  let seed = 90
  for (const name of ['serve-one.bin', 'serve-two.bin', 'serve-three.bin']) {
    const body = makePayload(256 * 1024, seed++)
    files.set(name, body)
    server.serve(`/${name}`, { body })
  }
  const dir = await makeTempDir('e2e-serve')
  downloadDir = join(dir, 'downloads')
  await mkdir(downloadDir)
  daemon = await startServe({ port: 0, host: '127.0.0.1', roots: [downloadDir], stateDir: join(dir, 'state') })
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    timeout: 30_000,
  })
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
  page.on('pageerror', (err) => pageErrors.push(err.message))
})

afterAll(async () => {
  await browser.close()
  await daemon.close()
  await server.close()
})

async function screenshot(name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true })
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))')
    await page.screenshot({ path: join(screenshotDir, `${name}-${colorScheme}.png`) })
  }
  await page.emulateMedia({ colorScheme: 'light' })
}

async function expectDownloaded(name: string): Promise<void> {
  const id = await transferIdFor(daemon.core, server.url(`/${name}`))
  await expectRowState(page, id, 'completed')
  const saved = daemon.core.store.transfers.get(id)?.savedPath
  expect(saved).toBe(join(downloadDir, name))
  expect(sha256(await readFile(saved as string))).toBe(sha256(files.get(name) as Buffer))
}

describe('the app in Chromium against pinpoint serve', () => {
  it('without the token the page is refused with 401', async () => {
    const res = await page.goto(daemon.url.replace(/\?token=.*$/, ''))
    expect(res?.status()).toBe(401)
    expect(await page.content()).not.toContain('id="root"')
  })

  it('loads with the token, adds downloads over the WebSocket, and they complete', async () => {
    const res = await page.goto(daemon.url, { waitUntil: 'load' })
    expect(res?.headers()['content-security-policy']).toContain("frame-ancestors 'none'")
    await visible(byId(page, 'add-button'))
    await openAddDialog(page, [server.url('/serve-one.bin'), server.url('/serve-two.bin')].join('\n'))
    await byId(page, 'add-submit').click()
    await byId(page, 'add-dialog').waitFor({ state: 'hidden' })
    await expectDownloaded('serve-one.bin')
    await expectDownloaded('serve-two.bin')
    await screenshot('serve-list')
    expect(pageErrors).toEqual([])
  }, 60_000)

  it('after the connection drops, the page reconnects, resynchronises and follows new changes', async () => {
    daemon.dropClients()
    // Added while the page may still be away: it must appear through the fresh snapshot or the event stream.
    await daemon.core.add([server.url('/serve-three.bin')])
    await expectDownloaded('serve-three.bin')
    await expect.poll(() => daemon.clients()).toBe(1)
    expect(await byId(page, 'transfer-row').count()).toBe(3)
    expect(pageErrors).toEqual([])
  }, 60_000)
})
