import { mkdir, realpath } from 'node:fs/promises'
import { join } from 'node:path'

import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts'
import { makePayload } from '../fixtures/payload.ts'
import { BIN, runCli } from '../fixtures/run-cli.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { spawnServe, type ServeProcess } from '../integration/serve/serve-process.ts'
import { chromiumPath, screenshotDir } from './harness/open-app.ts'
import { byId, visible } from './harness/ui.ts'

// `pinpoint serve` as a real process, stopped, killed and started again the way it happens to a user, with the
// app in Chromium watching: the page must say when the daemon is gone, refuse to act on a stale view, and come
// back by itself; and the token must leave the address bar without breaking a reload.
let server: FaultServer
let browser: Browser
let page: Page
let root: string
let state: string
let port: string
let daemon: ServeProcess
const pageErrors: string[] = []

/** The banner must show within this of losing the daemon. */
const NOTICED_MS = 2000

function startDaemon(extra: string[]): ServeProcess {
  return spawnServe(process.execPath, [BIN, 'serve', '--root', root, '--state-dir', state, ...extra], {
    env: { ...process.env, PINPOINT_FROM_SOURCE: '1' },
  })
}

async function stopDaemon(signal: NodeJS.Signals): Promise<void> {
  if (daemon.child.exitCode !== null || daemon.child.signalCode !== null) return
  daemon.child.kill(signal)
  await daemon.exited
}

async function screenshot(name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true })
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))')
    await page.screenshot({ path: join(screenshotDir, `${name}-${colorScheme}.png`) })
  }
  await page.emulateMedia({ colorScheme: 'light' })
}

beforeAll(async () => {
  server = await startFaultServer()
  server.serve('/while-away.bin', { body: makePayload(64 * 1024, 71) })
  const dir = await realpath(await makeTempDir('e2e-serve-offline'))
  root = join(dir, 'root')
  state = join(dir, 'state')
  await mkdir(root)
  daemon = startDaemon(['--port', '0', '--token-file'])
  port = (await daemon.url()).port
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    timeout: 30_000,
  })
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
  page.on('pageerror', (err) => pageErrors.push(err.message))
}, 60_000)

afterAll(async () => {
  await browser?.close()
  if (daemon) {
    if (daemon.child.signalCode === 'SIGSTOP') daemon.child.kill('SIGCONT')
    await stopDaemon('SIGTERM')
  }
  await server?.close()
})

describe('pinpoint serve never pretends (Chromium, a real serve process)', () => {
  it('the token leaves the address bar once loaded, and a reload still works through the cookie', async () => {
    const url = await daemon.url()
    await page.goto(url.href, { waitUntil: 'load' })
    await visible(byId(page, 'add-button'))
    await expect.poll(() => page.url()).toBe(`http://127.0.0.1:${port}/`)
    const res = await page.reload({ waitUntil: 'load' })
    expect(res?.status()).toBe(200)
    await visible(byId(page, 'add-button'))
    expect(page.url()).not.toContain('token')
    expect(await byId(page, 'offline-banner').count()).toBe(0)
    expect(await byId(page, 'add-button').isEnabled()).toBe(true)
  }, 30_000)

  it('a daemon that stops answering (no close) shows the banner within 2 s, disables actions, then recovers', async () => {
    daemon.child.kill('SIGSTOP')
    await byId(page, 'offline-banner').waitFor({ state: 'visible', timeout: NOTICED_MS })
    expect(await byId(page, 'offline-banner').getAttribute('data-state')).toBe('offline')
    expect(await byId(page, 'add-button').isDisabled()).toBe(true)
    expect(await byId(page, 'tab-settings').isDisabled()).toBe(true)
    await screenshot('serve-offline')
    daemon.child.kill('SIGCONT')
    await byId(page, 'offline-banner').waitFor({ state: 'detached', timeout: 15_000 })
    expect(await byId(page, 'add-button').isEnabled()).toBe(true)
  }, 30_000)

  it('killed, the banner shows within 2 s; started again on the same port and token file, the page recovers and shows what changed', async () => {
    daemon.child.kill('SIGKILL')
    await byId(page, 'offline-banner').waitFor({ state: 'visible', timeout: NOTICED_MS })
    expect(await byId(page, 'add-button').isDisabled()).toBe(true)
    await daemon.exited

    // While the daemon is away the CLI downloads into the same state folder: the page must take that in.
    const get = await runCli(['get', '-d', root, server.url('/while-away.bin')], {
      env: { PINPOINT_STATE_DIR: state },
    })
    expect(get.code, get.stderr).toBe(0)

    daemon = startDaemon(['--port', port, '--token-file'])
    await daemon.url()
    await byId(page, 'offline-banner').waitFor({ state: 'detached', timeout: 15_000 })
    expect(await byId(page, 'add-button').isEnabled()).toBe(true)
    const rows = byId(page, 'transfer-row')
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1)
    expect(await rows.first().getAttribute('data-state')).toBe('completed')
    expect(page.url()).not.toContain('token')
  }, 60_000)

  it('restarted without the token file, the tab says its token is no longer valid, and a reload says what to do', async () => {
    await stopDaemon('SIGTERM')
    daemon = startDaemon(['--port', port])
    await daemon.url()
    const banner = byId(page, 'offline-banner')
    await expect
      .poll(() => banner.getAttribute('data-state').catch(() => null), { timeout: 15_000 })
      .toBe('token-rejected')
    expect(await banner.innerText()).toContain('--token-file')
    await screenshot('serve-token-rejected')

    const res = await page.reload({ waitUntil: 'load' })
    expect(res?.status()).toBe(401)
    await visible(byId(page, 'token-refused'))
    const text = await page.locator('body').innerText()
    expect(text).toContain('new token every time it starts')
    expect(text).toContain('pinpoint serve --token-file')
    await screenshot('serve-token-refused')
    expect(pageErrors).toEqual([])
  }, 60_000)
})
