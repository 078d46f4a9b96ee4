import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts'
import { makePayload, sha256 } from '../fixtures/payload.ts'
import { openApp, type App, closeApp } from './harness/open-app.ts'

// The harness itself, independent of the UI: the page's window.api reaches the real core, events come back,
// the sender check and the page's CSP are the real ones.
let server: FaultServer
let app: App | undefined
const body = makePayload(256 * 1024, 51)

beforeAll(async () => {
  server = await startFaultServer()
  server.serve('/h.bin', { body })
})
afterAll(async () => {
  await server.close()
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

describe('the e2e harness', () => {
  it('gives the page a window.api that reaches the real core, and pushes events back', async () => {
    app = await openApp()
    const { page } = app
    const settings = (await page.evaluate("window.api.invoke('settings:get', {})")) as { downloadDir: string }
    expect(settings.downloadDir).toBe(app.downloadDir)

    // A listener in the page collects what the core pushes while a real download runs.
    await page.evaluate(`window.__seen = []; window.api.on('transfers:changed', (c) => window.__seen.push(c))`)
    const added = (await page.evaluate(
      `window.api.invoke('transfers:add', { urls: [${JSON.stringify(server.url('/h.bin'))}] })`,
    )) as { added: Array<{ id: number }> }
    const id = added.added[0]?.id as number
    await expect
      .poll(() => page.evaluate(`JSON.stringify(window.__seen).includes('"state":"completed"')`), { timeout: 15_000 })
      .toBe(true)
    expect(app.core.store.transfers.get(id)?.state).toBe('completed')
    expect(sha256(await readFile(join(app.downloadDir, 'h.bin')))).toBe(sha256(body))
  }, 60_000)

  it('rejects bad input and unknown channels with the core’s own messages', async () => {
    app = await openApp()
    await expect(app.page.evaluate("window.api.invoke('transfers:add', { urls: [] })")).rejects.toThrow(
      /transfers:add: urls/,
    )
    await expect(app.page.evaluate("window.api.invoke('fs:read', {})")).rejects.toThrow(/unknown channel/)
  }, 60_000)

  it('applies the core’s sender check: a frame inside the page gets nothing', async () => {
    app = await openApp()
    await app.page.evaluate(
      `new Promise((r) => { const f = document.createElement('iframe'); f.src = './index.html?frame'; f.onload = r; document.body.append(f) })`,
    )
    const child = app.page.frames().find((f) => f !== app?.page.mainFrame())
    expect(child).toBeDefined()
    await expect(child?.evaluate("window.api.invoke('settings:get', {})")).rejects.toThrow(/untrusted sender/)
  }, 60_000)

  it('serves the page with its CSP intact: an injected inline script does not run', async () => {
    app = await openApp()
    const ran = await app.page.evaluate(
      `(() => { const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; document.head.append(s); return window.__inline === 1 })()`,
    )
    expect(ran).toBe(false)
    expect(await app.page.locator('meta[http-equiv="Content-Security-Policy"]').count()).toBe(1)
  }, 60_000)
})
