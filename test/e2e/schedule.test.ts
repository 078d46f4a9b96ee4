import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startNginxFiles } from '../fixtures/nginx.ts'
import type { FileServer } from '../fixtures/file-server.ts'
import { makePayload } from '../fixtures/payload.ts'
import { closeApp, openApp, transports, type App } from './harness/open-app.ts'
import { byId, expectRowState, row, transferIdFor, visible } from './harness/ui.ts'

// The schedule from the Settings tab to a row: a window typed with the keyboard only, saved through the settings
// handlers, holds a real download from Debian's nginx with its reason on the row, and "Start now anyway" runs it.
let server: FileServer
let app: App | undefined

beforeAll(async () => {
  server = await startNginxFiles({ 'night.bin': makePayload(256 * 1024, 7) })
}, 30_000)
afterAll(async () => {
  await server?.stop()
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

/** HH:MM of this instant on this machine's wall clock, which both the core and the page read the windows in. */
const hhmm = (t: number) => {
  const d = new Date(t)
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}

describe.each(transports)('the schedule (%s)', (transport) => {
  it('is edited by keyboard, holds a download with its reason on the row, and "start now anyway" runs it', async () => {
    app = await openApp({ transport })
    const { page, core } = app
    await byId(page, 'tab-settings').click()
    await visible(byId(page, 'schedule-settings'))

    // A window around now, every day; from the keyboard alone: Enter on "Add window", then Tab and Space.
    const now = Date.now()
    const start = hhmm(now - 60 * 60_000)
    const end = hhmm(now + 2 * 60 * 60_000)
    await byId(page, 'schedule-add').focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => page.evaluate('document.activeElement.dataset.testid')).toBe('schedule-day-mon')
    for (let i = 0; i < 5; i++) await page.keyboard.press('Tab')
    await page.keyboard.press('Space') // Saturday
    await page.keyboard.press('Tab')
    await page.keyboard.press('Space') // Sunday
    await page.keyboard.press('Tab')
    expect(await page.evaluate('document.activeElement.dataset.testid')).toBe('schedule-start')
    await page.keyboard.press('Control+A')
    await page.keyboard.type('25:00')
    await expect.poll(() => byId(page, 'schedule-hint').innerText()).toMatch(/^Start: a time as HH:MM/)
    await page.keyboard.press('Control+A')
    await page.keyboard.type(start)
    await page.keyboard.press('Tab')
    await page.keyboard.press('Control+A')
    await page.keyboard.type(end)
    await expect.poll(() => byId(page, 'settings-status').innerText()).toBe('Saved')
    await expect
      .poll(() => core.ipc.settings.get().schedule)
      .toEqual([
        {
          days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
          start,
          end,
          action: { kind: 'pause-all' },
        },
      ])
    await app.screenshot('settings-schedule')

    // A download added now waits for the window to close, and its row says until when.
    const url = server.url('/night.bin')
    await core.add([url])
    const id = await transferIdFor(core, url)
    await byId(page, 'tab-transfers').click()
    const reason = row(page, id).getByTestId('transfer-schedule')
    await visible(reason)
    expect(await reason.getAttribute('title')).toBe(`paused by schedule until ${end}`)
    expect(await reason.innerText()).toBe(`until ${end}`)
    expect(await row(page, id).getByTestId('state-chip').innerText()).toBe('scheduled')
    expect(await row(page, id).getAttribute('aria-label')).toContain('paused by schedule')
    expect(core.store.transfers.get(id)?.state).toBe('queued')
    await app.screenshot('schedule-row')

    // "Start now anyway" from the row's menu, by keyboard: it runs inside the window.
    await row(page, id).click()
    await page.keyboard.press('Shift+F10')
    await visible(page.getByRole('menu'))
    await page.getByRole('menuitem', { name: /^Start now anyway/ }).click()
    await expectRowState(page, id, 'completed')
    expect(await row(page, id).getByTestId('transfer-schedule').count()).toBe(0)
  }, 60_000)
})
