import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { defaultRetry } from '../../electron/engine/retry-policy.ts'
import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts'
import { makePayload } from '../fixtures/payload.ts'
import { refusedPort } from '../fixtures/silent-listener.ts'
import { openApp, transports, type App, closeApp } from './harness/open-app.ts'
import { byId, expectRowState, openAddDialog, row, setField, transferIdFor, visible } from './harness/ui.ts'

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
  const closing = app
  app = undefined
  await closeApp(closing)
})

describe.each(transports)('the main views (%s)', (transport) => {
  it('an empty queue shows the empty state', async () => {
    app = await openApp({ transport })
    await visible(byId(app.page, 'empty-state'))
    await app.screenshot('transfers-empty')
  }, 60_000)

  it('the transfer list shows completed, failed and paused transfers, and filters them', async () => {
    app = await openApp({ transport })
    const { page, core } = app
    await core.add([server.url('/done.iso'), server.url('/broken.iso')])
    await openAddDialog(page, server.url('/later.iso'))
    await setField(byId(page, 'add-paused'), true)
    await byId(page, 'add-submit').click()
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

  it('a transfer that cannot connect says when it retries, which attempt of how many, and why', async () => {
    app = await openApp({ transport })
    const { page, core } = app
    const port = await refusedPort()
    const url = `http://127.0.0.1:${port}/x`
    await core.add([url])
    const id = await transferIdFor(core, url)
    const retry = row(page, id).getByTestId('transfer-retry')
    await visible(retry)
    const first = await retry.innerText()
    const max = defaultRetry.maxAttempts
    expect(first).toMatch(
      new RegExp(`^retrying (in \\d+ s|now), attempt 2 of ${max}: .*127\\.0\\.0\\.1:${port}: connection refused$`),
    )
    expect(await row(page, id).getAttribute('data-state')).toBe('connecting')
    // Nothing is connecting between attempts, and the chip does not say so.
    expect(await row(page, id).getByTestId('state-chip').innerText()).toBe('waiting to retry')
    // An IP-address URL names its address once.
    expect(first).not.toContain('127.0.0.1 at ')
    // Attempt 4 waits two seconds or more, with no change from main meanwhile: the row counts it down itself.
    const shown = new Set<string>()
    const read = async () => {
      const text = await retry.innerText({ timeout: 1000 }).catch(() => '')
      shown.add(text)
      return text
    }
    await expect.poll(read, { timeout: 20_000, interval: 100 }).toContain(`attempt 5 of ${max}`)
    const counted = [...shown].filter((t) => t.includes(`attempt 4 of ${max}`)).map((t) => /in (\d+) s/.exec(t)?.[1])
    expect(new Set(counted).size).toBeGreaterThanOrEqual(2)
    await app.screenshot('transfers-retrying')

    // A paused transfer is not waiting to retry: the text goes with the attempt.
    await row(page, id).click()
    await byId(page, 'action-pause').click()
    await expectRowState(page, id, 'paused')
    await expect.poll(() => retry.count()).toBe(0)
  }, 60_000)

  it('settings show the current values and a change reaches the running core', async () => {
    app = await openApp({ transport })
    const { page, core } = app
    await byId(page, 'tab-settings').click()
    await visible(byId(page, 'settings-form'))
    await expect.poll(() => byId(page, 'set-max-active').inputValue()).toBe(String(core.ipc.settings.get().maxActive))
    await setField(byId(page, 'set-max-active'), '2')
    await byId(page, 'set-max-active').blur()
    await expect.poll(() => core.ipc.settings.get().maxActive).toBe(2)
    if (transport === 'bridge') {
      expect(await byId(page, 'folder-root').count()).toBe(0)
      await byId(page, 'set-folder').click()
      await expect.poll(() => core.ipc.settings.get().downloadDir).toBe(app.pickedDir)
      expect(app.desktop.chooseFolder).toBe(1)
    } else {
      // A browser names the folder inside the daemon's roots; the second root is where the dialog would point.
      expect(await byId(page, 'set-folder').count()).toBe(0)
      await setField(byId(page, 'folder-root'), '1')
      await setField(byId(page, 'folder-sub'), '/etc')
      await byId(page, 'set-folder-apply').click()
      await expect.poll(() => byId(page, 'folder-hint').innerText()).toContain('not an absolute path')
      expect(core.ipc.settings.get().downloadDir).toBe(app.downloadDir)
      await setField(byId(page, 'folder-sub'), 'incoming')
      await byId(page, 'set-folder-apply').click()
      await expect.poll(() => core.ipc.settings.get().downloadDir).toBe(join(app.pickedDir, 'incoming'))
      await expect.poll(() => byId(page, 'set-folder-label').innerText()).toBe(join(app.pickedDir, 'incoming'))
      expect(await byId(page, 'folder-hint').getAttribute('class')).not.toContain('form-error')
    }
    await app.screenshot('settings')
  }, 60_000)
})
