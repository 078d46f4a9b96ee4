import { afterEach, describe, expect, it } from 'vitest'

import { openApp, closeApp, type App } from './harness/open-app.ts'
import { byId, row, visible } from './harness/ui.ts'

// Background priority in the window: a column in the table, a context-menu item for the selection, the default
// in the settings, and the shared background rate with its reason in the details.
let app: App | undefined

afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

describe('background priority in the window', () => {
  it('shows each priority, sets it for a selection from the menu, shows the background rate, saves the default', async () => {
    const ids: number[] = []
    app = await openApp({
      viewport: { width: 1600, height: 900 },
      seed: (core) => {
        const dir = core.ipc.settings.get().downloadDir
        const put = (name: string, priority: 'normal' | 'background') =>
          ids.push(
            core.store.transfers.insert({ url: `http://127.0.0.1:9/${name}`, dir, name, state: 'paused', priority }).id,
          )
        put('nightly.iso', 'background')
        put('photos.zip', 'normal')
        put('talk.webm', 'normal')
      },
    })
    const { page, core } = app
    const [nightly, photos, talk] = ids as [number, number, number]
    await visible(row(page, talk))
    // Room for the priority column beside the details: the connection column is hidden from the columns menu.
    await byId(page, 'columns-menu-button').click()
    await byId(page, 'menu-column-connection').click()
    await visible(page.getByRole('columnheader', { name: 'Priority' }))
    const cell = (id: number) => row(page, id).getByTestId('priority-cell').innerText()
    expect(await cell(nightly)).toBe('Background')
    expect(await cell(photos)).toBe('Normal')

    // Two rows selected, then the menu: the item applies to both.
    await row(page, photos).click()
    await row(page, talk).click({ modifiers: ['Control'] })
    await row(page, talk).click({ button: 'right' })
    const menu = await visible(page.getByRole('menu', { name: 'Actions for the selected 2 downloads' }))
    const normal = menu.getByRole('menuitem', { name: /^Download at normal priority/ })
    expect(await normal.getAttribute('aria-disabled')).toBe('true')
    expect(await normal.getAttribute('title')).toBe('All already normal')
    await app.screenshot('priority-menu')
    await menu.getByRole('menuitem', { name: /^Download in background/ }).click()
    await expect.poll(() => cell(talk)).toBe('Background')
    await expect.poll(() => cell(photos)).toBe('Background')
    expect(core.store.transfers.get(photos)?.priority).toBe('background')

    // The details of a background download say what the shared rate is and why.
    await row(page, nightly).click()
    const rate = await visible(byId(page, 'background-rate'))
    expect(await rate.getAttribute('data-reason')).toBe('idle')
    expect(await rate.innerText()).toMatch(/shared by background downloads, idle: no background download is running/)
    await app.screenshot('priority-details')

    await byId(page, 'tab-settings').click()
    await visible(byId(page, 'settings-form'))
    await byId(page, 'set-priority').selectOption('background')
    await expect.poll(() => byId(page, 'settings-status').innerText()).toBe('Saved')
    expect(core.ipc.settings.get().priority).toBe('background')
    await app.screenshot('priority-settings')
    expect(app.pageErrors).toEqual([])
  })
})
