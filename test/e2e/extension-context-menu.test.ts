import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'

import { type BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { installNativeHostDouble, type NativeHostDouble } from '../fixtures/native-host-double.ts'
import { startNginx, type NginxServer } from '../fixtures/nginx.ts'
import { makeTempDir, removeTempDir } from '../fixtures/temp-dir.ts'
import { EXTENSION_ID } from '../../shared/extension-id.ts'
import { extensionDir, extensionWorker, launchWithExtension } from './harness/extension-browser.ts'
import { screenshotDir } from './harness/open-app.ts'
import { startXvfb, type VirtualDisplay } from './harness/xvfb.ts'

// The context menu is the browser's own, drawn outside the page: headless Chromium never shows one, so this test
// runs Chromium with a window on a virtual X display (Debian's Xvfb), opens the menu with a real right-click,
// photographs the display (ImageMagick's `import`), and picks the extension's item with the keyboard (xdotool).
const WIDTH = 820
const HEIGHT = 560

let xvfb: VirtualDisplay
let nginx: NginxServer
let dir: string

async function openBrowser(profile: string, scheme: 'light' | 'dark'): Promise<BrowserContext> {
  return launchWithExtension(profile, {
    headless: false,
    colorScheme: scheme,
    viewport: { width: WIDTH - 20, height: HEIGHT - 140 },
    env: { ...process.env, DISPLAY: xvfb.display },
    args: [
      // Keeps the "unsupported command-line flag" bar (about --no-sandbox) out of the picture.
      '--test-type',
      '--window-position=0,0',
      `--window-size=${WIDTH},${HEIGHT}`,
      ...(scheme === 'dark' ? ['--force-dark-mode'] : []),
    ],
  })
}

beforeAll(async () => {
  if (!existsSync(join(extensionDir, 'manifest.json'))) {
    throw new Error('dist/extension/chromium is missing: run `npm run build` before the e2e tests')
  }
  dir = await makeTempDir('ext-context-menu')
  nginx = await startNginx({
    files: {
      'index.html': Buffer.from(
        '<!doctype html><meta name="color-scheme" content="light dark"><title>Releases</title><body style="font:18px sans-serif;margin:40px">' +
          '<h1 style="font-size:22px">Releases</h1><p><a id="iso" href="/debian-12.iso">debian-12.iso</a></p>' +
          '<p><a href="/debian-12.iso.minisig">debian-12.iso.minisig</a></p></body>\n',
      ),
    },
  })
  xvfb = await startXvfb(WIDTH, HEIGHT)
}, 60_000)

afterAll(async () => {
  xvfb?.stop()
  await nginx?.stop()
  if (dir) await removeTempDir(dir)
})

describe('the context menu', () => {
  it.each(['light', 'dark'] as const)(
    '"Download with Pinpoint" on a link sends that link, as the real menu shows it (%s)',
    async (scheme) => {
      const profile = join(dir, `user-data-${scheme}`)
      await mkdir(profile, { recursive: true })
      const host: NativeHostDouble = await installNativeHostDouble({
        userDataDir: profile,
        dir: await makeTempDir(`ext-context-host-${scheme}`),
        name: 'org.pinpoint.native',
        extensionId: EXTENSION_ID,
        version: '9.8.7',
        addReply: { accepted: true, id: 'tr-1' },
      })
      const context = await openBrowser(profile, scheme)
      try {
        const worker = await extensionWorker(context)
        expect(new URL(worker.url()).host).toBe(EXTENSION_ID)
        const page = context.pages()[0] ?? (await context.newPage())
        const origin = `http://${nginx.host}:${nginx.port}`
        await page.goto(`${origin}/index.html`)
        const shot = join(screenshotDir, `extension-context-menu-${scheme}.png`)
        await page.bringToFront()
        const adds = async () => (await host.received()).filter((m) => m['type'] === 'add')
        // The extension adds its items once it is installed, a moment after its worker starts: a menu opened before
        // lacks them, and the keys below then land on "Copy link address", which sends nothing. So: try again.
        for (let attempt = 0; attempt < 5 && (await adds()).length === 0; attempt++) {
          await page.click('#iso', { button: 'right' })
          // The browser process draws the menu a moment after the right-click.
          await new Promise((r) => setTimeout(r, 1000))
          // Taken each time, so the one kept shows the menu the item was picked from.
          await mkdir(screenshotDir, { recursive: true })
          await xvfb.run('import', ['-window', 'root', '-crop', `${WIDTH}x${HEIGHT}+0+0`, shot])
          // With nothing highlighted, Up wraps to the last item (Inspect) and then to ours, just above it.
          await xvfb.run('xdotool', ['key', '--delay', '150', 'Up', 'Up', 'Return'])
          await expect
            .poll(adds, { timeout: 5_000 })
            .toHaveLength(1)
            .catch(() => {})
        }
        await expect.poll(adds, { timeout: 20_000 }).toHaveLength(1)
        expect((await adds())[0]).toMatchObject({
          type: 'add',
          url: `${origin}/debian-12.iso`,
          referrer: `${origin}/index.html`,
        })
      } finally {
        await context.close()
      }
    },
    90_000,
  )
})
