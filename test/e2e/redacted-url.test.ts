import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startNginx, type NginxServer } from '../fixtures/nginx.ts'
import { closeApp, openApp, transports, type App } from './harness/open-app.ts'
import { detailsOf } from './harness/details.ts'
import { expectRowState, row, visible } from './harness/ui.ts'

// A signed link that failed: the row, its details (error, log, connections) show it without its secrets, and
// only "Copy link", which the user asks for, hands over the whole URL.

let nginx: NginxServer
let app: App | undefined
let base: string

beforeAll(async () => {
  nginx = await startNginx({ files: { 'here.bin': Buffer.from('present') } })
  base = `http://${nginx.host}:${nginx.port}`
})
afterAll(async () => {
  await nginx?.stop()
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

describe.each(transports)('a signed link in the window (%s)', (transport) => {
  it('is shown without its signature, and copied whole', async () => {
    app = await openApp({ transport })
    const { page, core } = app
    const url = `${base}/gone.bin?X-Amz-Signature=SECRET&token=SECRET2`
    const shown = `${base}/gone.bin?X-Amz-Signature=…&token=…`
    const id = (await core.add([url])).added[0]?.id as number
    await expectRowState(page, id, 'failed')

    expect(await row(page, id).locator('.row-name').getAttribute('title')).toBe(shown)
    await row(page, id).click()
    const details = await detailsOf(page)
    expect(await details.locator('.details-url').innerText()).toBe(shown)
    await expect.poll(() => details.innerText()).toContain('HTTP 404')
    expect(await details.innerText()).not.toContain('SECRET')
    await app.screenshot('details-redacted-url')

    // What the app's copy put on the clipboard, read back by a listener that runs after it.
    await page.evaluate(`(() => {
      window.addEventListener('copy', (e) => { window.__copied = e.clipboardData.getData('text/plain') })
    })()`)
    await row(page, id).click({ button: 'right' })
    const menu = await visible(page.getByRole('menu', { name: 'Actions for the selected download' }))
    await menu.getByRole('menuitem', { name: /^Copy link/ }).click()
    await expect.poll(() => page.evaluate('window.__copied ?? null')).toBe(url)
  }, 60_000)
})
