import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { type BrowserContext, type Page, type Worker } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { NOT_SHOWN_REASON } from '../../electron/cli/native-offer.ts'
import { startServe, type Daemon } from '../../electron/serve/start-serve.ts'
import { OTHER_HOST, type AuthNginx } from '../fixtures/nginx-auth.ts'
import { makePayload, sha256 } from '../fixtures/payload.ts'
import { extensionDir, extensionWorker, launchWithExtension } from './harness/extension-browser.ts'
import { screenshotDir } from './harness/open-app.ts'
import { byId, visible } from './harness/ui.ts'
import { startXvfb, type VirtualDisplay } from './harness/xvfb.ts'
import { closeHandoffWorld, startHandoffWorld, type HandoffWorld } from './harness/handoff-world.ts'

// "Download all links with Pinpoint", all real: the built extension in Debian's Chromium with a window on a
// virtual display (the browser's own context menu is never drawn headless), opened with a real right-click on a
// selection and picked with the keyboard; the host manifest and launcher from `pinpoint integrate`; the real
// `pinpoint native-host`; `pinpoint serve` with its web UI open in a tab; and an nginx that serves one of the
// files only to a request carrying the session cookie its /login page set.
declare const chrome: {
  storage: { local: { get(key: string): Promise<Record<string, unknown>> } }
  action: { getBadgeText(details: object): Promise<string> }
}

const WIDTH = 1100
const HEIGHT = 760
/** Generous: on a busy machine each message starts a Node process for the host. */
const POLL_MS = 30_000
const SESSION = 's3cret'
const FILE = makePayload(300 * 1024 + 7, 4242)

let world: HandoffWorld | undefined
let nginx: AuthNginx
let dir: string
let downloads: string
let daemon: Daemon
let xvfb: VirtualDisplay
let context: BrowserContext
let worker: Worker
let webUi: Page | undefined

type Handoff = { url: string; state: string; reason?: string; kind?: string; filename?: string }
const handoffs = async () =>
  ((await worker.evaluate(async () => (await chrome.storage.local.get('handoffs'))['handoffs'])) ?? []) as Handoff[]
const offers = async () => (await handoffs()).filter((h) => h.kind === 'offer')
const cookieUrl = () => `${nginx.base}/cookie/file.bin`
const otherUrl = () => `http://${OTHER_HOST}:${new URL(nginx.base).port}/other/file.bin`

beforeAll(async () => {
  world = await startHandoffWorld({ browser: 'chromium', extensionDir, file: FILE, session: SESSION, tag: 'ext-offer' })
  ;({ nginx, dir } = world)
  const { stateDir } = world
  downloads = join(dir, 'downloads')
  await mkdir(downloads)
  const userData = join(world.home, '.config', 'chromium')
  // On an address of its own: cookies are per host, not per port, so the web UI's token cookie for 127.0.0.1
  // would otherwise be among the browser's cookies for nginx's files, as it would be in any browser.
  daemon = await startServe({ port: 0, host: '127.0.0.3', roots: [downloads], stateDir })

  xvfb = await startXvfb(WIDTH, HEIGHT)
  context = await launchWithExtension(userData, {
    headless: false,
    viewport: { width: WIDTH - 20, height: HEIGHT - 140 },
    env: { ...process.env, DISPLAY: xvfb.display },
    args: ['--test-type', '--window-position=0,0', `--window-size=${WIDTH},${HEIGHT}`],
  })
  worker = await extensionWorker(context)
}, 90_000)

afterAll(async () => {
  await context?.close()
  xvfb?.stop()
  await daemon?.close()
  await closeHandoffWorld(world)
})

/** Pinpoint's web UI in a tab of the same browser, at the address serve printed (token included). */
async function openWebUi(): Promise<Page> {
  const page = await context.newPage()
  await page.goto(daemon.url)
  await visible(byId(page, 'add-button'), POLL_MS)
  await expect.poll(() => daemon.clients(), { timeout: POLL_MS }).toBeGreaterThan(0)
  return page
}

/**
 * The signed-in page (its cookie set by nginx), given a few more links, all selected; then "Download all links
 * with Pinpoint" from the browser's real context menu on the selection, until the extension has answered.
 */
async function downloadAllLinks(shot?: string): Promise<Handoff> {
  const before = (await offers()).length
  const page = await context.newPage()
  await page.goto(`${nginx.base}/login`)
  // A script string: the page's DOM is not in this Node project's types.
  await page.evaluate(`{
    document.body.style.font = '18px sans-serif'
    const h1 = document.createElement('h1')
    h1.id = 'title'
    h1.textContent = 'Release files'
    document.body.prepend(h1)
    const links = [
      [${JSON.stringify(otherUrl())}, 'other.bin'],
      ['/cookie/file.bin', 'file.bin again'],
      ['mailto:releases@example.com', 'mail us'],
      ['#top', 'top'],
    ]
    for (const [href, text] of links) {
      const p = document.createElement('p')
      const a = document.createElement('a')
      a.href = href
      a.textContent = text
      p.append(a)
      document.body.append(p)
    }
    window.getSelection().selectAllChildren(document.body)
  }`)
  await page.bringToFront()
  // The extension adds its menu items a moment after its worker starts; a menu opened before lacks them, and the
  // keys below then pick "Inspect" or nothing: so try again.
  for (let attempt = 0; attempt < 5 && (await offers()).length === before; attempt++) {
    await page.click('#title', { button: 'right' })
    await new Promise((r) => setTimeout(r, 1000))
    if (shot) {
      await mkdir(screenshotDir, { recursive: true })
      await xvfb.run('import', ['-window', 'root', '-crop', `${WIDTH}x${HEIGHT}+0+0`, shot])
    }
    // With nothing highlighted, Up wraps to the last item (Inspect) and then to ours, just above it.
    await xvfb.run('xdotool', ['key', '--delay', '150', 'Up', 'Up', 'Return'])
    await expect
      .poll(async () => (await offers()).length, { timeout: 8_000 })
      .toBeGreaterThan(before)
      .catch(() => {})
  }
  await expect.poll(async () => (await offers()).length, { timeout: POLL_MS }).toBeGreaterThan(before)
  await page.close()
  return (await offers())[0]!
}

describe('"Download all links with Pinpoint" against pinpoint serve', () => {
  it("opens the web UI's add dialog with the page's links; nothing is added until confirm", async () => {
    webUi = await openWebUi()
    const outcome = await downloadAllLinks(join(screenshotDir, 'extension-offer-menu.png'))
    expect(outcome).toMatchObject({ state: 'accepted', kind: 'offer', url: `${nginx.base}/login` })

    await webUi.bringToFront()
    await visible(byId(webUi, 'add-dialog'), POLL_MS)
    // The links of the page, each once, http(s) only: the fragment link and the mailto: never reach Pinpoint.
    await expect
      .poll(() => byId(webUi!, 'add-urls').inputValue(), { timeout: POLL_MS })
      .toBe([cookieUrl(), otherUrl()].join('\n'))
    expect(daemon.core.store.transfers.list()).toEqual([])
    // Offered, not added: nginx has not been asked for a file.
    expect(nginx.accessLog().filter((e) => e.request.includes('file.bin'))).toEqual([])
    expect(await worker.evaluate(() => chrome.action.getBadgeText({}))).toBe('')

    // Checked in main by the drop's parser, as any list in the dialog is.
    await expect.poll(() => byId(webUi!, 'add-status').textContent(), { timeout: POLL_MS }).toBe('2 links ready')
    // The dialog says what of the page goes with the links: its address as the Referer, and the one cookie of
    // the browser's for nginx's host (the session), never its value.
    expect(await byId(webUi, 'add-offer-source').textContent()).toBe(
      `From a page on ${new URL(nginx.base).hostname} in your browser: the downloads carry the page as their Referer, and 1 cookie the browser holds for these sites.`,
    )
    await mkdir(screenshotDir, { recursive: true })
    for (const colorScheme of ['light', 'dark'] as const) {
      await webUi.emulateMedia({ colorScheme })
      await webUi.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))')
      await webUi.screenshot({ path: join(screenshotDir, `extension-offer-dialog-${colorScheme}.png`) })
    }
    await webUi.emulateMedia({ colorScheme: 'light' })

    await byId(webUi, 'add-submit').click()
    await expect
      .poll(() => daemon.core.store.transfers.list().map((t) => t.state), { timeout: POLL_MS })
      .toEqual(['completed', 'completed'])
    for (const t of daemon.core.store.transfers.list()) {
      expect(t.savedPath?.startsWith(`${downloads}/`)).toBe(true)
      expect(sha256(await readFile(t.savedPath!))).toBe(sha256(FILE))
    }
    // The signed-in file came only with the browser's session cookie, and every request named the page.
    const log = nginx.accessLog()
    const signedIn = log.filter((e) => e.request.startsWith('GET /cookie/file.bin ') && e.http_range !== '')
    expect(signedIn.length).toBeGreaterThan(0)
    for (const e of signedIn) {
      expect(e).toMatchObject({ status: '206', http_cookie: `session=${SESSION}`, http_referer: `${nginx.base}/login` })
    }
    const other = log.filter((e) => e.server_addr === OTHER_HOST)
    expect(other.length).toBeGreaterThan(0)
    // The other origin never gets the session cookie.
    for (const e of other) expect(e).toMatchObject({ http_cookie: '', http_referer: `${nginx.base}/login` })
  }, 180_000)

  it('with no web UI open, says so in the popup and badge, and adds nothing', async () => {
    await webUi?.close()
    webUi = undefined
    await expect.poll(() => daemon.clients(), { timeout: POLL_MS }).toBe(0)
    const before = daemon.core.store.transfers.list().length

    const outcome = await downloadAllLinks()
    expect(outcome).toMatchObject({ state: 'refused', kind: 'offer', reason: NOT_SHOWN_REASON })
    expect(daemon.core.store.transfers.list()).toHaveLength(before)
    expect(await worker.evaluate(() => chrome.action.getBadgeText({}))).toBe('!')

    const popup = await context.newPage()
    await popup.setViewportSize({ width: 368, height: 420 })
    await popup.goto(`chrome-extension://${new URL(worker.url()).host}/popup.html`)
    await expect.poll(() => popup.getAttribute('#status', 'data-state'), { timeout: POLL_MS }).toBe('connected')
    const first = popup.locator('#handoffs li').first()
    await expect.poll(() => first.getAttribute('data-state'), { timeout: POLL_MS }).toBe('refused')
    expect(await first.textContent()).toContain('Not shown')
    expect(await first.textContent()).toContain(NOT_SHOWN_REASON)
    await mkdir(screenshotDir, { recursive: true })
    for (const colorScheme of ['light', 'dark'] as const) {
      await popup.emulateMedia({ colorScheme })
      await popup.screenshot({ path: join(screenshotDir, `extension-offer-not-shown-${colorScheme}.png`) })
    }
  }, 180_000)
})
