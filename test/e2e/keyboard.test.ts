import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts'
import { makePayload } from '../fixtures/payload.ts'
import { openApp, transports, closeApp, type App } from './harness/open-app.ts'
import { byId, expectRowState, row, transferIdFor, visible } from './harness/ui.ts'

// The transfers from the keyboard and through assistive technology: the window's shortcuts, where the focus
// goes after each dialog, rows named in words, and completions and failures said in a live region.
let server: FaultServer
let app: App | undefined

beforeAll(async () => {
  server = await startFaultServer()
})
afterAll(async () => {
  await server.close()
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

const focused = (page: Page) =>
  page.evaluate('document.activeElement?.dataset?.testid ?? document.activeElement?.tagName')

/** Put text on the clipboard as the OS would, by a copy in the page (no permission needed for a user's copy). */
async function setClipboard(page: Page, text: string): Promise<void> {
  await page.evaluate(`(() => {
    const onCopy = (e) => { e.clipboardData.setData('text/plain', ${JSON.stringify(text)}); e.preventDefault() }
    document.addEventListener('copy', onCopy)
    document.execCommand('copy')
    document.removeEventListener('copy', onCopy)
  })()`)
}

describe.each(transports)('keyboard and screen readers (%s)', (transport) => {
  it('adds from the keyboard and the clipboard, and the focus comes back to the table', async () => {
    server.serve('/slow.bin', { body: makePayload(3 * 1024 * 1024, 81), faults: { rateBytesPerSec: 128 * 1024 } })
    server.serve('/quick.bin', { body: makePayload(256 * 1024, 82) })
    server.serve('/missing.bin', { body: makePayload(16, 83), faults: { status: 404 } })
    app = await openApp({ transport })
    const { page, core } = app
    await visible(byId(page, 'empty-state'))

    // Ctrl/Cmd+N opens the add dialog; Esc closes it and the keyboard is on the table.
    await page.keyboard.press('ControlOrMeta+N')
    await visible(byId(page, 'add-dialog'))
    await page.keyboard.press('Escape')
    await byId(page, 'add-dialog').waitFor({ state: 'hidden' })
    await expect.poll(() => focused(page)).toBe('transfer-list')

    // Ctrl/Cmd+V outside a text field opens the add dialog with the clipboard's links.
    const urls = ['/slow.bin', '/quick.bin', '/missing.bin'].map((p) => server.url(p))
    await setClipboard(page, `three links:\n${urls.join('\n')}\n`)
    await page.keyboard.press('ControlOrMeta+V')
    await visible(byId(page, 'add-dialog'))
    await expect.poll(() => byId(page, 'add-urls').inputValue()).toBe(urls.join('\n'))
    await byId(page, 'add-split').fill('1')
    await byId(page, 'add-submit').click()
    await byId(page, 'add-dialog').waitFor({ state: 'hidden' })
    const [slow] = (await Promise.all(urls.map((u) => transferIdFor(core, u)))) as [number]
    await expect.poll(() => focused(page)).toBe('transfer-list')
    // The new row is there once main's change batch is (over serve it can come after the add's answer).
    await expect.poll(() => byId(page, 'transfer-list').getAttribute('aria-activedescendant')).toBe(`transfer-${slow}`)

    // Rows are named in words, never raw byte counts.
    const grid = page.getByRole('grid', { name: 'Downloads' })
    await visible(
      grid.getByRole('row', {
        name: /^slow\.bin, [\d.]+ (bytes|KiB|MiB) of 3 MiB, downloading, [\d.]+ (bytes|KiB) per second/,
      }),
    )
    await visible(grid.getByRole('row', { name: 'quick.bin, 256 KiB, completed' }))
    await visible(grid.getByRole('row', { name: /^missing\.bin, .*failed: .*404/ }))
    const snapshot = await grid.ariaSnapshot()
    expect(snapshot).toContain('row "quick.bin, 256 KiB, completed"')
    expect(snapshot).not.toMatch(/\d{5,} bytes/)

    // Completions and failures are said in the live region.
    const announcer = page.getByRole('status').filter({ has: page.locator('p') })
    await expect.poll(() => byId(page, 'announcer').innerText()).toContain('quick.bin completed')
    await expect.poll(() => byId(page, 'announcer').innerText()).toMatch(/missing\.bin failed: .*404/)
    expect(await byId(page, 'announcer').getAttribute('aria-live')).toBe('polite')
    expect(await announcer.count()).toBeGreaterThan(0)
    await app.screenshot('keyboard-table')
  }, 60_000)

  it('Space pauses and resumes, Ctrl+A and Esc select all and none, Delete asks to remove', async () => {
    server.serve('/long.bin', { body: makePayload(4 * 1024 * 1024, 84), faults: { rateBytesPerSec: 64 * 1024 } })
    server.serve('/short-a.bin', { body: makePayload(64 * 1024, 85) })
    server.serve('/short-b.bin', { body: makePayload(64 * 1024, 86) })
    app = await openApp({ transport })
    const { page, core } = app
    const urls = ['/long.bin', '/short-a.bin', '/short-b.bin'].map((p) => server.url(p))
    await core.add(urls)
    const [long, a, b] = (await Promise.all(urls.map((u) => transferIdFor(core, u)))) as [number, number, number]
    await expectRowState(page, long, 'downloading')
    await expectRowState(page, a, 'completed')
    await expectRowState(page, b, 'completed')

    await row(page, long).click()
    await page.keyboard.press('Space')
    await expectRowState(page, long, 'paused')
    await page.keyboard.press('Space')
    await expect.poll(() => row(page, long).getAttribute('data-state')).not.toBe('paused')

    const selected = () => page.locator('[data-testid="transfer-row"][aria-selected="true"]').count()
    await page.keyboard.press('ControlOrMeta+A')
    await expect.poll(selected).toBe(3)
    await page.keyboard.press('Escape')
    await expect.poll(selected).toBe(0)

    // Delete opens the remove dialog; cancelling puts the keyboard back on the table, on the same row.
    await row(page, a).click()
    await page.keyboard.press('Delete')
    await visible(byId(page, 'remove-confirm'))
    await page.keyboard.press('Escape')
    await byId(page, 'remove-confirm').waitFor({ state: 'hidden' })
    await expect.poll(() => focused(page)).toBe('transfer-list')
    expect(await byId(page, 'transfer-list').getAttribute('aria-activedescendant')).toBe(`transfer-${a}`)

    // Removing moves the keyboard to the next row, which is selected; the table keeps the focus.
    await page.keyboard.press('Delete')
    await byId(page, 'remove-keep-file').click()
    await expect.poll(() => row(page, a).count()).toBe(0)
    await expect.poll(() => focused(page)).toBe('transfer-list')
    expect(await byId(page, 'transfer-list').getAttribute('aria-activedescendant')).toBe(`transfer-${b}`)
    expect(await row(page, b).getAttribute('aria-selected')).toBe('true')

    // A shortcut that does not apply says why instead of doing nothing: Space on a completed row.
    await page.keyboard.press('Space')
    await expect.poll(() => byId(page, 'announcer').innerText()).toContain('Completed transfers cannot be resumed')
  }, 60_000)
})
