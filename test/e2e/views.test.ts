import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts'
import { makePayload } from '../fixtures/payload.ts'
import { openApp, type App } from './harness/open-app.ts'
import { byId, expectRowState, row, setField, transferIdFor, visible } from './harness/ui.ts'

// The main views with real content, saved as screenshots in light and dark, plus what each view must do with
// the core behind it: the transfer list shows real states, settings reach the running queue.
let server: FaultServer
let app: App | undefined

beforeAll(async () => {
  server = await startFaultServer()
  server.serve('/done.iso', { body: makePayload(256 * 1024, 91) })
  server.serve('/broken.iso', { body: makePayload(1024, 92), faults: { status: 404 } })
  server.serve('/later.iso', { body: makePayload(256 * 1024, 93) })
})
afterAll(async () => {
  await server.close()
})
afterEach(async () => {
  // An uncaught exception in the page fails the test that caused it, whatever it asserted.
  const errors = app?.pageErrors ?? []
  await app?.close()
  app = undefined
  expect(errors).toEqual([])
})

describe('the main views', () => {
  it('an empty queue shows the empty state', async () => {
    app = await openApp()
    await visible(byId(app.page, 'empty-state'))
    await app.screenshot('transfers-empty')
  }, 60_000)

  it('the transfer list shows completed, failed and paused transfers, and filters them', async () => {
    app = await openApp()
    const { page, core } = app
    core.addUrls([server.url('/done.iso'), server.url('/broken.iso')])
    await page.evaluate(
      `window.api.invoke('transfers:add', { urls: [${JSON.stringify(server.url('/later.iso'))}], options: { startPaused: true } })`,
    )
    const done = await transferIdFor(core, server.url('/done.iso'))
    const broken = await transferIdFor(core, server.url('/broken.iso'))
    const later = await transferIdFor(core, server.url('/later.iso'))
    await expectRowState(page, done, 'completed')
    await expectRowState(page, broken, 'failed')
    await expectRowState(page, later, 'paused')
    await expect.poll(() => row(page, broken).getByTestId('transfer-error').innerText()).toMatch(/404/)
    await app.screenshot('transfers')

    await byId(page, 'filter-failed').click()
    await expect.poll(() => byId(page, 'transfer-row').count()).toBe(1)
    expect(await row(page, broken).isVisible()).toBe(true)
    await byId(page, 'filter-all').click()
    await expect.poll(() => byId(page, 'transfer-row').count()).toBe(3)
  }, 60_000)

  it('settings show the current values and a change reaches the running core', async () => {
    app = await openApp()
    const { page, core } = app
    await byId(page, 'tab-settings').click()
    await visible(byId(page, 'settings-form'))
    await expect.poll(() => byId(page, 'set-max-active').inputValue()).toBe(String(core.ipc.settings.get().maxActive))
    await setField(byId(page, 'set-max-active'), '2')
    await byId(page, 'set-max-active').blur()
    await expect.poll(() => core.ipc.settings.get().maxActive).toBe(2)
    await byId(page, 'choose-folder').or(byId(page, 'set-folder')).first().click()
    await expect.poll(() => core.ipc.settings.get().downloadDir).toBe(app.pickedDir)
    expect(app.desktop.chooseFolder).toBe(1)
    await app.screenshot('settings')
  }, 60_000)
})
