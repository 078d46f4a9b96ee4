import { existsSync } from 'node:fs'
import { mkdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'

import { type BrowserContext, type Worker } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { installNativeHostDouble } from '../fixtures/native-host-double.ts'
import { startNginx, type NginxServer } from '../fixtures/nginx.ts'
import { makePayload, sha256 } from '../fixtures/payload.ts'
import { makeTempDir, removeTempDir } from '../fixtures/temp-dir.ts'
import { extensionDir, extensionWorker, launchWithExtension } from './harness/extension-browser.ts'
import { repoRoot, screenshotDir } from './harness/open-app.ts'
import { EXTENSION_ID } from '../../shared/extension-id.ts'
import { cookieName } from '../../electron/serve/security.ts'

// The built extension, unpacked, in Debian's Chromium with a fresh profile. The profile has no
// NativeMessagingHosts/ entry, so Pinpoint is unreachable: a captured download must stay with the browser and
// the popup must say why.
/** What the functions evaluated inside the extension's service worker call there. */
declare const chrome: {
  runtime: { getManifest(): { name: string } }
  storage: { local: { get(key: string): Promise<Record<string, unknown>> } }
  downloads: { search(query: object): Promise<Array<{ state: string; totalBytes: number }>> }
  action: { getBadgeText(details: object): Promise<string> }
}

const BIG = makePayload(2 * 1024 * 1024 + 17, 4242)

let nginx: NginxServer
/** The same files at 256 KiB/s, so the browser is still downloading when Pinpoint answers. */
let slow: NginxServer
let profile: string
let downloads: string
let context: BrowserContext
let worker: Worker
let extensionId: string

beforeAll(async () => {
  if (!existsSync(join(extensionDir, 'manifest.json'))) {
    throw new Error('dist/extension/chromium is missing: run `npm run build` before the e2e tests')
  }
  nginx = await startNginx({
    files: {
      'index.html': Buffer.from('<!doctype html><title>files</title><a id="big" href="/big.bin">big.bin</a>\n'),
      'big.bin': BIG,
    },
  })
  slow = await startNginx({
    files: {
      'index.html': Buffer.from('<!doctype html><title>slow</title><a id="big" href="/big.bin">big.bin</a>\n'),
      'big.bin': BIG,
    },
    node: { address: '127.0.0.1', limitRate: '256k' },
  })
  profile = await makeTempDir('ext-profile')
  downloads = join(profile, 'Downloads')
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

describe('the browser extension', () => {
  it("starts its service worker from the built manifest's background script", async () => {
    expect(worker.url()).toBe(`chrome-extension://${extensionId}/background.js`)
    // The built manifest's key fixes the id the native host manifests allow, wherever the folder is.
    expect(extensionId).toBe(EXTENSION_ID)
    const manifest = JSON.parse(await readFile(join(extensionDir, 'manifest.json'), 'utf8')) as { name: string }
    expect(await worker.evaluate(() => chrome.runtime.getManifest().name)).toBe(manifest.name)
  })

  it('keeps a large download in the browser when Pinpoint is unreachable, and the popup says why', async () => {
    const page = await context.newPage()
    await page.goto(`http://${nginx.host}:${nginx.port}/index.html`)
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#big')])
    const path = await download.path()
    expect((await stat(path)).size).toBe(BIG.length)
    expect(sha256(await readFile(path))).toBe(sha256(BIG))

    // The extension saw the download, tried Pinpoint and recorded why it left it alone.
    const handoffs = async () =>
      worker.evaluate(async () => (await chrome.storage.local.get('handoffs'))['handoffs'] as unknown[] | undefined)
    await expect.poll(handoffs, { timeout: 15_000 }).toHaveLength(1)
    const [entry] = (await handoffs()) ?? []
    expect(entry).toMatchObject({
      url: `http://${nginx.host}:${nginx.port}/big.bin`,
      filename: 'big.bin',
      state: 'unreachable',
      reason: expect.stringContaining('Pinpoint is not reachable'),
    })
    // The browser's own download was not cancelled: it finished.
    const items = await worker.evaluate(() => chrome.downloads.search({}))
    expect(items).toHaveLength(1)
    expect(items[0]).toMatchObject({ state: 'complete', totalBytes: BIG.length })
    expect(await worker.evaluate(() => chrome.action.getBadgeText({}))).toBe('!')

    const popup = await context.newPage()
    await popup.setViewportSize({ width: 368, height: 340 })
    await popup.goto(`chrome-extension://${extensionId}/popup.html`)
    await expect.poll(() => popup.textContent('#status')).toBe('Not connected')
    expect(await popup.textContent('#connection-hint')).toContain('Run `pinpoint integrate` to connect it.')
    expect(await popup.isChecked('#capture')).toBe(true)
    const item = popup.locator('#handoffs li')
    await expect.poll(() => item.count()).toBe(1)
    expect(await item.getAttribute('data-state')).toBe('unreachable')
    expect(await item.textContent()).toContain('Kept in browser')
    expect(await item.textContent()).toContain('Pinpoint is not reachable')
    expect(await popup.isHidden('#empty')).toBe(true)

    await mkdir(screenshotDir, { recursive: true })
    for (const colorScheme of ['light', 'dark'] as const) {
      await popup.emulateMedia({ colorScheme })
      await popup.screenshot({ path: join(screenshotDir, `extension-popup-${colorScheme}.png`) })
    }
  })

  it('leaves the download alone and records nothing when capture is switched off in the popup', async () => {
    const popup = await context.newPage()
    await popup.goto(`chrome-extension://${extensionId}/popup.html`)
    await popup.click('#capture')
    await expect
      .poll(() =>
        worker.evaluate(async () => (await chrome.storage.local.get('rules'))['rules'] as { enabled?: boolean }),
      )
      .toMatchObject({ enabled: false })

    const page = await context.newPage()
    await page.goto(`http://${nginx.host}:${nginx.port}/index.html`)
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#big')])
    expect((await stat(await download.path())).size).toBe(BIG.length)
    expect(await worker.evaluate(() => chrome.downloads.search({}))).toHaveLength(2)
    const handoffs = await worker.evaluate(
      async () => (await chrome.storage.local.get('handoffs'))['handoffs'] as unknown[],
    )
    expect(handoffs).toHaveLength(1)
  })

  it('hands the download to Pinpoint with its cookies and cancels the browser copy only once Pinpoint accepted', async () => {
    const host = await installNativeHostDouble({
      userDataDir: join(profile, 'user-data'),
      dir: profile,
      name: 'org.pinpoint.native',
      extensionId,
      version: '9.8.7',
      addReply: { accepted: true, id: 'tr-1' },
    })
    const origin = `http://${slow.host}:${slow.port}`
    // Within Chromium's 400-day cap on cookie lifetimes, so the browser keeps it as given.
    const expires = Math.floor(Date.now() / 1000) + 30 * 86_400
    await context.addCookies([
      { name: 'session', value: 's3cret', domain: slow.host, path: '/', expires },
      { name: 'elsewhere', value: 'nope', domain: 'localhost', path: '/' },
      // As `pinpoint serve` on another port of this host sets it: cookies ignore ports, so it is the host's too.
      {
        name: cookieName(slow.port === 65535 ? 65534 : slow.port + 1),
        value: 'serve-secret',
        domain: slow.host,
        path: '/',
        httpOnly: true,
        sameSite: 'Strict',
      },
    ])
    const popup = await context.newPage()
    await popup.goto(`chrome-extension://${extensionId}/popup.html`)
    await expect.poll(() => popup.textContent('#status'), { timeout: 20_000 }).toBe('Connected · Pinpoint 9.8.7')
    expect(await popup.isHidden('#connection-hint')).toBe(true)
    if (!(await popup.isChecked('#capture'))) await popup.click('#capture')
    await expect
      .poll(() =>
        worker.evaluate(async () => (await chrome.storage.local.get('rules'))['rules'] as { enabled?: boolean }),
      )
      .toMatchObject({ enabled: true })

    const page = await context.newPage()
    await page.goto(`${origin}/index.html`)
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#big')])
    expect(await download.failure()).toBe('canceled')

    const adds = async () => (await host.received()).filter((m) => m['type'] === 'add')
    await expect.poll(adds, { timeout: 20_000 }).toHaveLength(1)
    const [add] = await adds()
    expect(add).toEqual({
      type: 'add',
      url: `${origin}/big.bin`,
      referrer: `${origin}/index.html`,
      filename: 'big.bin',
      mime: 'application/octet-stream',
      size: BIG.length,
      userAgent: expect.stringContaining('Chrom'),
      cookies: [{ name: 'session', value: 's3cret', domain: slow.host, path: '/', secure: false, expires }],
    })
    // Erased from the browser's list once cancelled: only the two earlier downloads remain.
    await expect.poll(() => worker.evaluate(() => chrome.downloads.search({})), { timeout: 20_000 }).toHaveLength(2)
    expect(await worker.evaluate(() => chrome.action.getBadgeText({}))).toBe('')

    await popup.reload()
    const first = popup.locator('#handoffs li').first()
    await expect.poll(() => first.getAttribute('data-state'), { timeout: 20_000 }).toBe('accepted')
    expect(await first.textContent()).toContain('Sent to Pinpoint')
  })

  it('keeps the download in the browser and shows the reason when Pinpoint refuses it', async () => {
    await installNativeHostDouble({
      userDataDir: join(profile, 'user-data'),
      dir: profile,
      name: 'org.pinpoint.native',
      extensionId,
      version: '9.8.7',
      addReply: { accepted: false, reason: 'the folder is full' },
    })
    const page = await context.newPage()
    await page.goto(`http://${nginx.host}:${nginx.port}/index.html`)
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#big')])
    expect(await download.failure()).toBeNull()
    expect(sha256(await readFile(await download.path()))).toBe(sha256(BIG))

    const popup = await context.newPage()
    await popup.goto(`chrome-extension://${extensionId}/popup.html`)
    const first = popup.locator('#handoffs li').first()
    await expect.poll(() => first.getAttribute('data-state'), { timeout: 20_000 }).toBe('refused')
    expect(await first.textContent()).toContain('Pinpoint refused it: the folder is full')
    expect(await worker.evaluate(() => chrome.action.getBadgeText({}))).toBe('!')
  })

  it("collects a page's http(s) links, or only those inside the selection, for the context menu", async () => {
    const page = await context.newPage()
    await page.setContent(
      `<p id="one"><a href="http://127.0.0.1:9/a.iso">a</a> <a href="http://127.0.0.1:9/a.iso">again</a></p>
       <p id="two"><a href="https://127.0.0.1:9/b.zip">b</a> <a href="mailto:x@example.com">mail</a>
       <a href="javascript:void 0">js</a></p>`,
    )
    // Imported by path: the function is written against the DOM, which this Node project's types leave out.
    const { collectLinks } = (await import(join(repoRoot, 'extension', 'src', 'collect-links.ts'))) as {
      collectLinks: (selectionOnly: boolean) => string[]
    }
    expect(await page.evaluate(collectLinks, false)).toEqual(['http://127.0.0.1:9/a.iso', 'https://127.0.0.1:9/b.zip'])
    await page.evaluate(`{
      const range = document.createRange()
      range.selectNodeContents(document.getElementById('two'))
      window.getSelection().addRange(range)
    }`)
    expect(await page.evaluate(collectLinks, true)).toEqual(['https://127.0.0.1:9/b.zip'])
  })
})
