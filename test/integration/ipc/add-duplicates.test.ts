import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { addDownloads } from '../../../electron/queue/add-downloads.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { waitFor } from '../../fixtures/wait-for.ts'
import { makeIpcHarness, type IpcHarness } from './ipc-harness.ts'

// The add path's duplicate policy, through the real IPC handlers, store, queue and transport, downloading from
// a loopback server: nothing already in the list is added again unless asked, and a row's name is the file's.
let server: FaultServer
let h: IpcHarness | undefined
const body = makePayload(200 * 1024, 7)

beforeAll(async () => {
  server = await startFaultServer()
  server.serve('/a.bin', { body })
  server.serve('/slow.bin', { body, faults: { rateBytesPerSec: 16 * 1024 } })
})
afterAll(async () => {
  await server.close()
})
afterEach(async () => {
  await h?.close()
  h = undefined
})

async function completed(harness: IpcHarness, id: number): Promise<void> {
  await waitFor(() => harness.store.transfers.get(id)?.state === 'completed', 15_000)
}

async function viewOf(harness: IpcHarness, id: number) {
  const { transfers } = await harness.api.invoke('transfers:list', {})
  return transfers.find((t) => t.id === id)
}

describe('adding a URL that is in the list already', () => {
  it('skip (the default the dialog sends) leaves a completed one alone and says so', async () => {
    h = await makeIpcHarness()
    const url = server.url('/a.bin')
    const first = await h.api.invoke('transfers:add', { urls: [url] })
    const id = first.added[0]?.id as number
    await completed(h, id)
    const again = await h.api.invoke('transfers:add', { urls: [url], options: { duplicate: 'skip' } })
    expect(again.added).toEqual([])
    expect(again.rejected).toEqual([])
    expect(again.skipped).toEqual([{ input: url, reason: expect.stringContaining('already in the list (completed)') }])
    expect(again.skipped?.[0]?.reason).toContain('a.bin')
    expect(h.store.transfers.count()).toBe(1)
  })

  it('skip leaves a running one alone too, in another folder as well', async () => {
    h = await makeIpcHarness()
    const url = server.url('/slow.bin')
    const first = await h.api.invoke('transfers:add', { urls: [url] })
    await waitFor(() => h?.store.transfers.get(first.added[0]?.id as number)?.state === 'downloading')
    h.desktop.nextFolder = join(h.downloadDir, '..')
    const folder = await h.api.invoke('dialog:chooseFolder', {})
    const again = await h.api.invoke('transfers:add', {
      urls: [url],
      ...(folder ? { folder: folder.token } : {}),
      options: { duplicate: 'skip' },
    })
    expect(again.added).toEqual([])
    expect(again.skipped?.[0]?.reason).toMatch(/already in the list \((downloading|connecting)\)/)
    expect(h.store.transfers.count()).toBe(1)
    await h.api.invoke('transfers:cancel', { ids: [first.added[0]?.id as number] })
  })

  it('download again: a new download under the free name shown, and the row says that name', async () => {
    h = await makeIpcHarness()
    const url = server.url('/a.bin')
    const first = await h.api.invoke('transfers:add', { urls: [url] })
    await completed(h, first.added[0]?.id as number)

    const [preview] = await h.api.invoke('transfers:preview', { urls: [url] })
    expect(preview?.existing).toMatchObject({ id: first.added[0]?.id, state: 'completed', name: 'a.bin' })
    expect(preview?.againName).toBe('a (1).bin')

    const again = await h.api.invoke('transfers:add', {
      urls: [url],
      options: { duplicate: 'skip', each: [{ url, duplicate: 'again', name: preview?.againName as string }] },
    })
    expect(again.skipped).toEqual([])
    const id = again.added[0]?.id as number
    expect(again.added[0]?.name).toBe('a (1).bin')
    await completed(h, id)
    expect(h.store.transfers.get(id)?.savedPath).toBe(join(h.downloadDir, 'a (1).bin'))
    expect((await viewOf(h, id))?.name).toBe('a (1).bin')
    expect(sha256(await readFile(join(h.downloadDir, 'a (1).bin')))).toBe(sha256(body))
    expect((await readdir(h.downloadDir)).sort()).toEqual(['a (1).bin', 'a.bin'])
  })

  it('resume the existing one: a paused download is resumed, nothing is added', async () => {
    h = await makeIpcHarness()
    const url = server.url('/a.bin')
    const first = await h.api.invoke('transfers:add', { urls: [url], options: { startPaused: true } })
    const id = first.added[0]?.id as number
    const again = await h.api.invoke('transfers:add', {
      urls: [url],
      options: { duplicate: 'skip', each: [{ url, duplicate: 'resume' }] },
    })
    expect(again.added.map((t) => t.id)).toEqual([id])
    await completed(h, id)
    expect(h.store.transfers.count()).toBe(1)
  })

  it('without a choice (the CLI, the control socket) the same URL into the same folder is still one download', async () => {
    h = await makeIpcHarness()
    const url = server.url('/a.bin')
    const first = await addDownloads(h, { urls: [url], dir: h.downloadDir, paused: true })
    const again = await addDownloads(h, { urls: [url], dir: h.downloadDir })
    expect(again.existing.map((r) => r.id)).toEqual([first.added[0]?.id])
    expect(again.skipped).toEqual([])
    // No output field appears for callers that did not ask for the policy.
    const viaIpc = await h.api.invoke('transfers:add', { urls: [url], options: { startPaused: true } })
    expect(viaIpc).not.toHaveProperty('skipped')
    expect(h.store.transfers.count()).toBe(1)
  })

  it('a name the engine had to change (the file was there) is the name the row shows', async () => {
    h = await makeIpcHarness()
    await writeFile(join(h.downloadDir, 'a.bin'), 'not ours')
    const { added } = await h.api.invoke('transfers:add', { urls: [server.url('/a.bin')] })
    const id = added[0]?.id as number
    await completed(h, id)
    expect(h.store.transfers.get(id)?.savedPath).toBe(join(h.downloadDir, 'a (1).bin'))
    expect((await viewOf(h, id))?.name).toBe('a (1).bin')
    expect(await readFile(join(h.downloadDir, 'a.bin'), 'utf8')).toBe('not ours')
  })

  it('a renamed URL is saved under the new name; a name that is a path, `..` or empty is refused with the reason', async () => {
    h = await makeIpcHarness()
    const url = server.url('/a.bin')
    const bad = await h.api.invoke('transfers:add', {
      urls: [url],
      options: { each: [{ url, name: '../escape.bin' }] },
    })
    expect(bad.added).toEqual([])
    expect(bad.rejected).toEqual([{ input: url, reason: expect.stringContaining('cannot contain / or \\') }])
    for (const name of ['..', '   ', 'a\\b.bin', 'x.part', 'CON']) {
      const r = await h.api.invoke('transfers:add', { urls: [url], options: { each: [{ url, name }] } })
      expect(r.added, name).toEqual([])
      expect(r.rejected[0]?.reason, name).toMatch(/^file name /)
    }
    expect(h.store.transfers.count()).toBe(0)

    const ok = await h.api.invoke('transfers:add', { urls: [url], options: { each: [{ url, name: 'renamed.bin' }] } })
    const id = ok.added[0]?.id as number
    await completed(h, id)
    expect(h.store.transfers.get(id)?.savedPath).toBe(join(h.downloadDir, 'renamed.bin'))
    expect((await readdir(h.downloadDir)).sort()).toEqual(['renamed.bin'])
  })
})
