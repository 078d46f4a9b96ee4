import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts'
import { makePayload } from '../fixtures/payload.ts'
import { closeApp, openApp, transports, type App } from './harness/open-app.ts'
import { byId, expectRowState, openAddDialog, row, transferIdFor, visible } from './harness/ui.ts'

// Every view with real content, at the smallest window we support and at a common desktop size, in light and
// dark: the pictures go to screenshots/, and each view must fit its window across (no sideways scrolling, no
// part of it pushed off the right edge).
let server: FaultServer
let app: App | undefined
const SIZES = [
  { width: 800, height: 600 },
  { width: 1920, height: 1080 },
]

beforeAll(async () => {
  server = await startFaultServer()
  server.serve('/release/app-2.4.1.tar.gz', { body: makePayload(192 * 1024, 71) })
  server.serve('/video/talk.mp4', { body: makePayload(128 * 1024, 72) })
  server.serve('/missing.iso', { body: makePayload(1024, 73), faults: { status: 404 } })
})
afterAll(async () => {
  await server.close()
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

/** The page's width beyond its window, in CSS pixels: 0 when nothing sticks out to the right. */
async function overflow(a: App): Promise<number> {
  return Number(await a.page.evaluate('document.documentElement.scrollWidth - window.innerWidth'))
}

describe.each(transports)('every view at 800×600 and 1920×1080 (%s)', (transport) => {
  it('transfers, details, add dialog, hosts and settings fit their window and are saved as pictures', async () => {
    app = await openApp({ transport })
    const { page, core } = app
    const urls = ['/release/app-2.4.1.tar.gz', '/video/talk.mp4', '/missing.iso'].map((p) => server.url(p))
    await core.add(urls)
    const done = await transferIdFor(core, urls[0] as string)
    const failed = await transferIdFor(core, urls[2] as string)
    await expectRowState(page, done, 'completed')
    await expectRowState(page, failed, 'failed')

    for (const size of SIZES) {
      const tag = `${size.width}x${size.height}`
      await page.setViewportSize(size)
      await byId(page, 'tab-transfers').click()
      await row(page, failed).click()
      await visible(page.locator('[data-testid="details-pane"]:not(.empty)'))
      expect(await overflow(app), `transfers with details at ${tag}`).toBeLessThanOrEqual(0)
      await app.screenshot(`every-transfers-details-${tag}`)

      await openAddDialog(page, `${server.url('/video/talk.mp4')}\n${server.url('/release/new.zip')}`)
      expect(await overflow(app), `add dialog at ${tag}`).toBeLessThanOrEqual(0)
      await app.screenshot(`every-add-dialog-${tag}`)
      await page.keyboard.press('Escape')

      await byId(page, 'tab-hosts').click()
      await visible(byId(page, 'host-rules'))
      await byId(page, 'host-add').click()
      expect(await overflow(app), `hosts at ${tag}`).toBeLessThanOrEqual(0)
      await app.screenshot(`every-hosts-${tag}`)

      await byId(page, 'tab-settings').click()
      await visible(byId(page, 'settings-form'))
      expect(await overflow(app), `settings at ${tag}`).toBeLessThanOrEqual(0)
      await app.screenshot(`every-settings-${tag}`)
    }
  }, 120_000)
})
