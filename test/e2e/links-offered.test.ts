import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import type { Emit } from '../../shared/ipc.ts'
import { startFaultServer, type FaultServer } from '../fixtures/fault-server.ts'
import { makePayload, sha256 } from '../fixtures/payload.ts'
import { closeApp, openApp, type App } from './harness/open-app.ts'
import { byId, expectRowState, transferIdFor, visible } from './harness/ui.ts'

// A `pinpoint://add?url=…` link or a second launch with URLs reaches the window as `links:offered`, which main
// sends (see electron/shell/link-offers.ts). The bridge backend stands in for main and sends it here; what is
// checked is the renderer's answer: the add dialog, pre-filled, and nothing added until the user confirms.
let server: FaultServer
let app: App | undefined
const files = new Map<string, Buffer>()

beforeAll(async () => {
  server = await startFaultServer()
  let seed = 90
  for (const name of ['offered-a.bin', 'offered-b.bin', 'typed.bin']) {
    const body = makePayload(256 * 1024, seed++)
    files.set(name, body)
    server.serve(`/${name}`, { body })
  }
})
afterAll(async () => {
  await server.close()
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

function emitOf(a: App): Emit {
  if (a.emit === undefined) throw new Error('this backend cannot push events as main does')
  return a.emit
}

/** Long enough for anything that would start a download by itself to have reached the store. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1500))

describe('links offered by a pinpoint:// link or a second launch', () => {
  it('open the add dialog pre-filled; nothing is added until the user confirms, then they download', async () => {
    app = await openApp()
    const { page } = app
    const urls = [server.url('/offered-a.bin'), server.url('/offered-b.bin')]
    emitOf(app)('links:offered', { urls })

    await visible(byId(page, 'add-dialog'))
    expect(await byId(page, 'add-urls').inputValue()).toBe(urls.join('\n'))
    // The dialog checks the list as it does a paste, and still waits for the user.
    await expect.poll(() => byId(page, 'add-submit').innerText()).toBe('Add 2')
    await settle()
    expect(app.core.store.transfers.count()).toBe(0)
    expect(await byId(page, 'transfer-row').count()).toBe(0)
    await app.screenshot('links-offered')

    await byId(page, 'add-submit').click()
    await byId(page, 'add-dialog').waitFor({ state: 'hidden' })
    for (const name of ['offered-a.bin', 'offered-b.bin']) {
      const id = await transferIdFor(app.core, server.url(`/${name}`))
      await expectRowState(page, id, 'completed')
      const saved = app.core.store.transfers.get(id)?.savedPath
      expect(saved).toBe(join(app.downloadDir, name))
      expect(sha256(await readFile(saved as string))).toBe(sha256(files.get(name) as Buffer))
    }
    expect(app.core.store.transfers.count()).toBe(2)
    expect(app.navigations).toEqual([])
  }, 60_000)

  it('cancelling the dialog adds nothing', async () => {
    app = await openApp()
    const { page } = app
    emitOf(app)('links:offered', { urls: [server.url('/offered-a.bin')] })
    await visible(byId(page, 'add-dialog'))
    await byId(page, 'add-cancel').click()
    await byId(page, 'add-dialog').waitFor({ state: 'hidden' })
    await settle()
    expect(app.core.store.transfers.count()).toBe(0)
  }, 60_000)

  it('a link offered while the user is editing the list joins it instead of replacing it', async () => {
    app = await openApp()
    const { page } = app
    await byId(page, 'add-button').click()
    await visible(byId(page, 'add-dialog'))
    await byId(page, 'add-urls').fill(server.url('/typed.bin'))
    emitOf(app)('links:offered', { urls: [server.url('/offered-b.bin'), server.url('/typed.bin')] })
    await expect
      .poll(() => byId(page, 'add-urls').inputValue())
      .toBe([server.url('/typed.bin'), server.url('/offered-b.bin')].join('\n'))
    await settle()
    expect(app.core.store.transfers.count()).toBe(0)
  }, 60_000)
})

describe('under pinpoint serve', () => {
  it('nothing offers links (no deep links, no launches): the page subscribes harmlessly and no dialog opens', async () => {
    app = await openApp({ transport: 'serve' })
    expect(app.emit).toBeUndefined()
    await visible(byId(app.page, 'add-button'))
    await settle()
    expect(await byId(app.page, 'add-dialog').count()).toBe(0)
    expect(app.core.store.transfers.count()).toBe(0)
  }, 60_000)
})
