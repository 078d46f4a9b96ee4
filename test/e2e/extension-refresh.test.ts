import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { type BrowserContext, type Page, type Worker } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { installNativeHostDouble, type NativeHostDouble } from '../fixtures/native-host-double.ts'
import { startNginx, type NginxServer } from '../fixtures/nginx.ts'
import { makePayload, sha256 } from '../fixtures/payload.ts'
import { makeTempDir, removeTempDir } from '../fixtures/temp-dir.ts'
import { extensionDir, extensionWorker, launchWithExtension } from './harness/extension-browser.ts'
import { screenshotDir } from './harness/open-app.ts'

// The built extension in Debian's Chromium, with a native host double that answers `waiting` and `refresh` as
// each test tells it: a browser download of a file Pinpoint holds part of is offered to finish that download,
// and the popup's capture rules decide the next download as soon as they are changed.
/** What the functions evaluated inside the extension's service worker call there. */
declare const chrome: {
  storage: { local: { get(key: string): Promise<Record<string, unknown>>; clear(): Promise<void> } }
  action: { getBadgeText(details: object): Promise<string> }
  downloads: { search(query: object): Promise<Array<{ url: string }>> }
}

const BIG = makePayload(3 * 1024 * 1024 + 5, 77)
const OTHER = makePayload(2 * 1024 * 1024 + 9, 78)
const HALF = Math.floor(BIG.length / 2)
const INDEX = Buffer.from(
  '<!doctype html><title>files</title><a id="big" href="/big.bin">big</a> <a id="other" href="/other.bin">other</a>\n',
)

let nginx: NginxServer
/** The same files at 128 KiB/s, so the browser is still downloading when the user takes the offer. */
let slow: NginxServer
let profile: string
let context: BrowserContext
let worker: Worker
let extensionId: string

beforeAll(async () => {
  if (!existsSync(join(extensionDir, 'manifest.json'))) {
    throw new Error('dist/extension/chromium is missing: run `npm run build` before the e2e tests')
  }
  const files = { 'index.html': INDEX, 'big.bin': BIG, 'other.bin': OTHER }
  nginx = await startNginx({ files })
  slow = await startNginx({ files, node: { address: '127.0.0.1', limitRate: '128k' } })
  profile = await makeTempDir('ext-refresh-profile')
  const downloads = join(profile, 'Downloads')
  await mkdir(downloads)
  context = await launchWithExtension(join(profile, 'user-data'), { downloadsPath: downloads })
  worker = await extensionWorker(context)
  extensionId = new URL(worker.url()).host
}, 60_000)

afterAll(async () => {
  await context?.close()
  await nginx?.stop()
  await slow?.stop()
  if (profile) await removeTempDir(profile)
})

beforeEach(async () => {
  await worker.evaluate(() => chrome.storage.local.clear())
})

/** The double, answering `waiting` with `waiting` (a list of downloads) and `refresh` with `refresh`. */
function hostDouble(opts: {
  waiting: Array<Record<string, unknown>>
  refresh?: Record<string, unknown>
  addReply?: Record<string, unknown>
}): Promise<NativeHostDouble> {
  return installNativeHostDouble({
    userDataDir: join(profile, 'user-data'),
    dir: profile,
    name: 'org.pinpoint.native',
    extensionId,
    version: '9.8.7',
    addReply: opts.addReply ?? { accepted: false, reason: 'kept for the test' },
    replies: {
      waiting: { type: 'waiting', connected: true, transfers: opts.waiting },
      ...(opts.refresh ? { refresh: opts.refresh } : {}),
    },
  })
}

const waitingBig = { id: 42, name: 'big.bin', total: BIG.length, done: HALF, state: 'failed' }
const ofType = async (host: NativeHostDouble, type: string) => (await host.received()).filter((m) => m['type'] === type)
const offers = () =>
  worker.evaluate(async () => (await chrome.storage.local.get('offers'))['offers'] as unknown[] | undefined)

async function openPopup(): Promise<Page> {
  const popup = await context.newPage()
  await popup.setViewportSize({ width: 368, height: 600 })
  await popup.goto(`chrome-extension://${extensionId}/popup.html`)
  return popup
}

describe('the extension offers a new link to a download waiting in Pinpoint', () => {
  it("offers it instead of a new download, and once Pinpoint takes the link cancels the browser's copy", async () => {
    const host = await hostDouble({
      waiting: [{ ...waitingBig, id: 41, total: BIG.length + 1 }, waitingBig],
      refresh: { type: 'refresh', ok: true, matchedBy: 'validator' },
      addReply: { accepted: true, id: 'never' },
    })
    const origin = `http://${slow.host}:${slow.port}`
    // The browser's session for the new link goes with it.
    await context.addCookies([{ name: 'session', value: 'fresh', domain: slow.host, path: '/' }])
    const page = await context.newPage()
    await page.goto(`${origin}/index.html`)
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#big')])
    await expect.poll(offers, { timeout: 15_000 }).toHaveLength(1)
    expect((await offers())?.[0]).toMatchObject({
      transferId: 42,
      url: `${origin}/big.bin`,
      name: 'big.bin',
      state: 'offered',
    })
    expect(await worker.evaluate(() => chrome.action.getBadgeText({}))).toBe('↻')

    const popup = await openPopup()
    const offer = popup.locator('#offers li').first()
    await expect
      .poll(() => offer.textContent(), { timeout: 15_000 })
      .toContain('Use this link to finish big.bin (49 % done)')
    expect(await popup.isVisible('#offers-section')).toBe(true)
    await popup.click('#rules-editor summary')
    await mkdir(screenshotDir, { recursive: true })
    for (const colorScheme of ['light', 'dark'] as const) {
      await popup.emulateMedia({ colorScheme })
      await popup.screenshot({ path: join(screenshotDir, `extension-popup-offer-${colorScheme}.png`) })
    }

    await offer.locator('button.accept').click()
    expect(await download.failure()).toBe('canceled')
    await expect.poll(() => offer.getAttribute('data-state'), { timeout: 15_000 }).toBe('taken')
    expect(await offer.textContent()).toContain('Finishing in Pinpoint')
    expect(await ofType(host, 'refresh')).toEqual([
      {
        type: 'refresh',
        id: 42,
        url: `${origin}/big.bin`,
        referrer: `${origin}/index.html`,
        cookies: [{ name: 'session', value: 'fresh', domain: slow.host, path: '/', secure: false }],
      },
    ])
    await context.clearCookies()
    // Offered, not handed over: Pinpoint was never asked to add the file again.
    expect(await ofType(host, 'add')).toEqual([])
    expect(await worker.evaluate(() => chrome.action.getBadgeText({}))).toBe('')
    // Erased from the browser's list too: Pinpoint's download is the one to watch now.
    const urls = async () => (await worker.evaluate(() => chrome.downloads.search({}))).map((d) => d.url)
    await expect.poll(urls, { timeout: 15_000 }).not.toContain(`${origin}/big.bin`)
  })

  it('keeps the browser download and shows why when Pinpoint refuses the link', async () => {
    const reason = `${`http://${nginx.host}:${nginx.port}`}/big.bin serves 5 bytes, not the ${BIG.length} of this download: another file`
    const host = await hostDouble({
      waiting: [waitingBig],
      refresh: { type: 'refresh', ok: false, code: 'REFRESH_REFUSED', reason },
    })
    const page = await context.newPage()
    await page.goto(`http://${nginx.host}:${nginx.port}/index.html`)
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#big')])
    await expect.poll(offers, { timeout: 15_000 }).toHaveLength(1)
    const popup = await openPopup()
    const offer = popup.locator('#offers li').first()
    await offer.locator('button.accept').click()
    await expect.poll(() => offer.getAttribute('data-state'), { timeout: 15_000 }).toBe('refused')
    expect(await offer.textContent()).toContain('Kept in browser')
    expect(await offer.textContent()).toContain(`Pinpoint refused the link: ${reason}`)
    expect(await offer.locator('button').count()).toBe(0)
    expect(await download.failure()).toBeNull()
    expect(sha256(await readFile(await download.path()))).toBe(sha256(BIG))
    expect(await ofType(host, 'refresh')).toHaveLength(1)
    expect(await worker.evaluate(() => chrome.action.getBadgeText({}))).toBe('!')
  })

  it('hands a download over as usual when no waiting download has its name and size', async () => {
    const host = await hostDouble({ waiting: [{ ...waitingBig, total: BIG.length - 1 }] })
    const page = await context.newPage()
    await page.goto(`http://${nginx.host}:${nginx.port}/index.html`)
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#big')])
    await expect.poll(() => ofType(host, 'add'), { timeout: 15_000 }).toHaveLength(1)
    expect(await ofType(host, 'waiting')).toHaveLength(1)
    expect(await offers()).toBeUndefined()
    expect(await download.failure()).toBeNull()
  })
})

describe("the popup's capture rules", () => {
  /** Downloads `id` from the fast server and waits until the browser has it. */
  async function browserDownload(id: 'big' | 'other'): Promise<void> {
    const page = await context.newPage()
    await page.goto(`http://${nginx.host}:${nginx.port}/index.html`)
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#${id}`)])
    expect(await download.failure()).toBeNull()
    await page.close()
  }
  const addedUrls = async (host: NativeHostDouble) => (await ofType(host, 'add')).map((m) => m['url'])

  it('decides the next download by a changed minimum size and never-capture site, and refuses a bad site', async () => {
    const host = await hostDouble({ waiting: [] })
    const base = `http://${nginx.host}:${nginx.port}`
    const popup = await openPopup()
    await popup.click('#rules-editor summary')
    await expect.poll(() => popup.inputValue('#min-size'), { timeout: 15_000 }).toBe('1')
    const rules = () =>
      worker.evaluate(async () => (await chrome.storage.local.get('rules'))['rules'] as Record<string, unknown>)

    await popup.fill('#min-size', '2.5')
    await popup.press('#min-size', 'Tab')
    await expect.poll(rules).toMatchObject({ minSize: 2.5 * 1024 * 1024 })
    expect(await popup.textContent('#rules-hint')).toContain('2.5 MiB or more')
    // other.bin is 2 MiB: under the new minimum, it stays in the browser; big.bin (3 MiB) still goes.
    await browserDownload('other')
    // The extension asked about waiting downloads before deciding: only then is the absence of an add a decision.
    await expect.poll(() => ofType(host, 'waiting'), { timeout: 15_000 }).toHaveLength(1)
    await browserDownload('big')
    await expect.poll(() => addedUrls(host), { timeout: 15_000 }).toEqual([`${base}/big.bin`])

    await popup.fill('#never-sites', `example.org\n${nginx.host}`)
    await popup.press('#never-sites', 'Tab')
    await expect.poll(rules).toMatchObject({ neverSites: ['example.org', nginx.host] })
    await browserDownload('big')

    // A site that is no host name is refused, says why, and the saved list stays as it was.
    await popup.fill('#never-sites', 'not a host!')
    await popup.press('#never-sites', 'Tab')
    await expect.poll(() => popup.isVisible('#rules-error')).toBe(true)
    expect(await popup.textContent('#rules-error')).toBe('Never capture from: expected a host name or an IP address')
    expect(await popup.getAttribute('#never-sites', 'aria-invalid')).toBe('true')
    expect(await rules()).toMatchObject({ neverSites: ['example.org', nginx.host] })

    await popup.fill('#never-sites', 'example.org')
    await popup.press('#never-sites', 'Tab')
    await expect.poll(rules).toMatchObject({ neverSites: ['example.org'] })
    expect(await popup.isHidden('#rules-error')).toBe(true)
    await browserDownload('big')
    // The never-capture download before this one was not handed over: only this one joins the first. Nor was
    // Pinpoint asked about waiting downloads for it: a never-capture site is left alone entirely.
    await expect.poll(() => addedUrls(host), { timeout: 15_000 }).toEqual([`${base}/big.bin`, `${base}/big.bin`])
    expect(await ofType(host, 'waiting')).toHaveLength(3)
  })
})
