import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { type BrowserContext, type Worker } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { connectControl, type ControlClient } from '../../electron/cli/control-client.ts'
import { cookieName } from '../../electron/serve/security.ts'
import type { Settings } from '../../shared/settings.ts'
import { APP_VERSION } from '../../shared/version.ts'
import type { AuthNginx } from '../fixtures/nginx-auth.ts'
import { makePayload, sha256 } from '../fixtures/payload.ts'
import type { ServerProcess } from '../fixtures/server-process.ts'
import { extensionDir, extensionWorker, launchWithExtension } from './harness/extension-browser.ts'
import { screenshotDir } from './harness/open-app.ts'
import {
  closeHandoffWorld,
  expectSavedByServe,
  pinpointRequests,
  signedInFileUrl,
  startHandoffWorld,
  startServeProcess,
  type HandoffWorld,
} from './harness/handoff-world.ts'

// No doubles anywhere: the built extension in Debian's Chromium, the host manifest and launcher written by the
// real `pinpoint integrate`, the real `pinpoint native-host` it starts, a real `pinpoint serve` child process,
// and an nginx that serves the file only to a request carrying the session cookie its /login page set.
/** What the functions evaluated inside the extension's service worker call there. */
declare const chrome: {
  storage: { local: { get(key: string): Promise<Record<string, unknown>> } }
  downloads: {
    search(query: object): Promise<Array<{ id: number; url: string; state: string; totalBytes: number }>>
  }
  action: { getBadgeText(details: object): Promise<string> }
}

const SESSION = 's3cret'
/** Generous: on a busy machine each hand-off starts a Node process for the host. */
const POLL_MS = 30_000
// Over the extension's 1 MiB capture minimum.
const FILE = makePayload(2 * 1024 * 1024 + 333, 5150)

let world: HandoffWorld | undefined
let nginx: AuthNginx
let dir: string
let stateDir: string
let serveDownloads: string
let browserDownloads: string
let serve: ServerProcess | undefined
let control: ControlClient | undefined
let context: BrowserContext
let worker: Worker

const handoffs = async () =>
  (await worker.evaluate(async () => (await chrome.storage.local.get('handoffs'))['handoffs'])) as
    Array<{ url: string; state: string; reason?: string }> | undefined
const fileUrl = () => signedInFileUrl(nginx)

beforeAll(async () => {
  world = await startHandoffWorld({ browser: 'chromium', extensionDir, file: FILE, session: SESSION, tag: 'ext-serve' })
  ;({ nginx, dir, stateDir } = world)
  serveDownloads = join(dir, 'serve-downloads')
  browserDownloads = join(dir, 'browser-downloads')
  for (const d of [serveDownloads, browserDownloads]) await mkdir(d)
  // `integrate` wrote the manifest into ~/.config/chromium/NativeMessagingHosts, which is where Chromium looks for
  // a user data dir of that path.
  const userData = join(world.home, '.config', 'chromium')
  // The profile's own download folder, used once Playwright's download handling is switched off below.
  await mkdir(join(userData, 'Default'), { recursive: true })
  await writeFile(
    join(userData, 'Default', 'Preferences'),
    JSON.stringify({ download: { default_directory: browserDownloads, prompt_for_download: false } }),
  )

  ;({ serve, control } = await startServeProcess(stateDir, serveDownloads))

  context = await launchWithExtension(userData)
  worker = await extensionWorker(context)
  // Playwright names and places downloads itself, which skips the browser's file-name step the extension
  // takes part in; "default" gives the browser back its own handling, as a user's browser has it.
  const page = context.pages()[0] ?? (await context.newPage())
  await (await context.newCDPSession(page)).send('Browser.setDownloadBehavior', { behavior: 'default' })
}, 90_000)

afterAll(async () => {
  control?.close()
  await context?.close()
  await serve?.stop()
  await closeHandoffWorld(world)
})

describe('the extension, the native host and pinpoint serve, all real', () => {
  it('hands a signed-in download to the running serve with its cookie, and the browser copy is cancelled', async () => {
    // Without the session cookie nginx refuses the file, so a completed copy in Pinpoint proves the cookie went.
    expect((await fetch(fileUrl())).status).toBe(403)
    // Serve's page opened in this browser leaves its token cookie there, which cookies' indifference to ports makes
    // the browser's for nginx too: the extension is handed it with the download, and it must not go any further.
    const serveUrl = /(http:\/\/\S+\?token=\S+)\n/.exec(serve?.output() ?? '')?.[1]
    if (!serveUrl || !serve) throw new Error(`pinpoint serve printed no URL: ${serve?.output()}`)
    const token = new URL(serveUrl).searchParams.get('token') as string
    const servePage = await context.newPage()
    await servePage.goto(serveUrl)
    await expect
      .poll(async () => (await context.cookies(fileUrl())).find((c) => c.name === cookieName(serve!.port))?.value, {
        timeout: POLL_MS,
      })
      .toBe(token)
    await servePage.close()
    // Every change the browser reports for its downloads, kept in the worker for the test to read back.
    await worker.evaluate(`globalThis.downloadDeltas = []
      chrome.downloads.onChanged.addListener((delta) => globalThis.downloadDeltas.push(delta))`)

    const page = await context.newPage()
    await page.goto(`${nginx.base}/login`)
    await page.click('#file')

    await expect
      .poll(async () => (await handoffs())?.[0], { timeout: POLL_MS })
      .toMatchObject({
        url: fileUrl(),
        state: 'accepted',
      })
    // The browser's download went through interrupted (cancelled) and then off its list; nothing of it is left.
    const deltas = () => worker.evaluate<object[]>('globalThis.downloadDeltas')
    await expect
      .poll(deltas, { timeout: POLL_MS })
      .toContainEqual(expect.objectContaining({ error: expect.objectContaining({ current: 'USER_CANCELED' }) }))
    expect(await deltas()).toContainEqual(
      expect.objectContaining({ state: expect.objectContaining({ current: 'interrupted' }) }),
    )
    expect(await deltas()).not.toContainEqual(
      expect.objectContaining({ state: expect.objectContaining({ current: 'complete' }) }),
    )
    await expect.poll(() => worker.evaluate(() => chrome.downloads.search({})), { timeout: POLL_MS }).toEqual([])
    await expect.poll(() => readdir(browserDownloads), { timeout: POLL_MS }).toEqual([])
    expect(await worker.evaluate(() => chrome.action.getBadgeText({}))).toBe('')

    await expectSavedByServe(control as ControlClient, fileUrl(), serveDownloads, FILE, POLL_MS)

    // Every request Pinpoint made carried the browser's session cookie, its User-Agent and the page as Referer.
    const requests = pinpointRequests(nginx)
    expect(requests.length).toBeGreaterThan(0)
    const userAgent = await page.evaluate(() => navigator.userAgent)
    for (const r of requests) {
      expect(r).toMatchObject({
        status: '206',
        http_cookie: `session=${SESSION}`,
        http_user_agent: userAgent,
        http_referer: `${nginx.base}/login`,
      })
    }
    expect(JSON.stringify(requests)).not.toContain(token)

    const popup = await context.newPage()
    await popup.goto(`chrome-extension://${new URL(worker.url()).host}/popup.html`)
    await expect
      .poll(() => popup.textContent('#status'), { timeout: POLL_MS })
      .toBe(`Connected · Pinpoint ${APP_VERSION}`)
    const first = popup.locator('#handoffs li').first()
    await expect.poll(() => first.getAttribute('data-state'), { timeout: POLL_MS }).toBe('accepted')
    expect(await first.textContent()).toContain('Sent to Pinpoint')
  }, 120_000)

  it('with serve stopped and starting from the browser off, leaves the download to the browser and says why', async () => {
    const settings = await (control as ControlClient).request<Settings>('settings:update', {
      startFromBrowser: false,
    })
    expect(settings.startFromBrowser).toBe(false)
    control?.close()
    control = undefined
    await serve?.stop()
    serve = undefined
    expect(await connectControl(stateDir)).toBeUndefined()
    const before = pinpointRequests(nginx).length

    const page = await context.newPage()
    await page.goto(`${nginx.base}/login`)
    await page.click('#file')

    await expect
      .poll(async () => (await handoffs())?.[0], { timeout: POLL_MS })
      .toMatchObject({
        url: fileUrl(),
        state: 'unreachable',
        reason: 'Pinpoint is not running: start the app or `pinpoint serve`',
      })
    await expect
      .poll(() => worker.evaluate(() => chrome.downloads.search({})), { timeout: POLL_MS })
      .toMatchObject([{ url: fileUrl(), state: 'complete', totalBytes: FILE.length }])
    expect(await readdir(browserDownloads)).toEqual(['file.bin'])
    expect(sha256(await readFile(join(browserDownloads, 'file.bin')))).toBe(sha256(FILE))
    expect(await worker.evaluate(() => chrome.action.getBadgeText({}))).toBe('!')
    // The host asked nothing of nginx and started no serve of its own.
    expect(pinpointRequests(nginx)).toHaveLength(before)
    expect(await connectControl(stateDir)).toBeUndefined()

    const popup = await context.newPage()
    await popup.setViewportSize({ width: 368, height: 340 })
    await popup.goto(`chrome-extension://${new URL(worker.url()).host}/popup.html`)
    await expect
      .poll(() => popup.textContent('#status'), { timeout: POLL_MS })
      .toBe(`Pinpoint ${APP_VERSION} is not running`)
    const first = popup.locator('#handoffs li').first()
    await expect.poll(() => first.getAttribute('data-state'), { timeout: POLL_MS }).toBe('unreachable')
    expect(await first.textContent()).toContain('Kept in browser')
    expect(await first.textContent()).toContain('Pinpoint is not running: start the app or `pinpoint serve`')
    expect(await first.textContent()).not.toContain('refused')
    await mkdir(screenshotDir, { recursive: true })
    for (const colorScheme of ['light', 'dark'] as const) {
      await popup.emulateMedia({ colorScheme })
      await popup.screenshot({ path: join(screenshotDir, `extension-popup-serve-stopped-${colorScheme}.png`) })
    }
  }, 120_000)
})
