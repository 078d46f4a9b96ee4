import { readFile } from 'node:fs/promises'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts'
import { makePayload, sha256 } from '../fixtures/payload.ts'
import { openApp, transports, type App, closeApp } from './harness/open-app.ts'
import { byId, expectRowState, openAddDialog, row, transferIdFor } from './harness/ui.ts'

// A throttled download the user watches, pauses and resumes from the UI; the resumed request must continue
// from the bytes already on disk (a Range request), not start over.
let server: FaultServer
let app: App | undefined
const body = makePayload(3 * 1024 * 1024, 71)

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

describe.each(transports)('pause and resume (%s)', (transport) => {
  it('shows progress, pauses, resumes from where it was and completes', async () => {
    server.serve('/slow.bin', { body, faults: { rateBytesPerSec: 256 * 1024 } })
    app = await openApp({ transport })
    const { page, core } = app
    await openAddDialog(page, server.url('/slow.bin'))
    // One connection, so "resumed from the saved bytes" is a single Range request to look for.
    await byId(page, 'add-split').fill('1')
    await byId(page, 'add-submit').click()
    const id = await transferIdFor(core, server.url('/slow.bin'))
    await expectRowState(page, id, 'downloading')

    // Progress is visible: the row's text moves while bytes arrive.
    const before = await row(page, id).innerText()
    await expect.poll(() => row(page, id).innerText(), { timeout: 10_000 }).not.toBe(before)
    await app.screenshot('transfers-downloading')

    await row(page, id).click()
    await byId(page, 'action-pause').click()
    await expectRowState(page, id, 'paused')
    const kept = core.store.segments.durableBytes(id)
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThan(body.length)
    const requestsWhilePaused = server.log.length

    server.setFaults('/slow.bin', {})
    await byId(page, 'action-resume').click()
    await expectRowState(page, id, 'completed')
    expect(sha256(await readFile(core.store.transfers.get(id)?.savedPath as string))).toBe(sha256(body))
    const resumed = server.log.slice(requestsWhilePaused).filter((e) => e.path === '/slow.bin')
    expect(resumed.length).toBeGreaterThan(0)
    expect(resumed[0]?.rangeHeader).toMatch(/^bytes=[1-9]\d*-/)
  }, 60_000)
})
