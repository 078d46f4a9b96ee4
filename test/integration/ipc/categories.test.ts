import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startServe, type Daemon } from '../../../electron/serve/start-serve.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'
import { connect } from '../serve/serve-client.ts'
import { makeIpcHarness, type IpcHarness } from './ipc-harness.ts'

let server: FaultServer
let h: IpcHarness | undefined
let daemon: Daemon | undefined

beforeAll(async () => {
  server = await startFaultServer()
  server.serve('/a/film.mkv', { body: makePayload(4096, 1) })
  server.serve('/a/song.mp3', { body: makePayload(4096, 2) })
  server.serve('/a/blob.bin', { body: makePayload(4096, 3) })
})
afterAll(async () => {
  await server.close()
})
afterEach(async () => {
  await h?.close()
  h = undefined
  await daemon?.close()
  daemon = undefined
})

/** A folder token as the dialog hands one out, for `path`. */
async function chosen(ipc: IpcHarness, path: string): Promise<string> {
  ipc.desktop.nextFolder = path
  const picked = await ipc.api.invoke('dialog:chooseFolder', {})
  return picked!.token
}

describe('categories through settings:update and transfers:add', () => {
  it("sets a category's folder by token only, refuses an unknown token and an extension another lists", async () => {
    h = await makeIpcHarness()
    const videos = await makeTempDir('cat-videos')
    const token = await chosen(h, videos)
    const next = await h.api.invoke('settings:update', { category: { id: 'video', folder: token } })
    expect(next.categories.video.dir).toBe(videos)
    expect(next.categories.audio.dir).toBeNull()
    await expect(
      h.api.invoke('settings:update', { category: { id: 'audio', folder: 'folder-AAAAAAAAAAAAAAAAAAAAAA' } }),
    ).rejects.toThrow(/not a known folder token/)
    await expect(
      h.api.invoke('settings:update', { category: { id: 'audio', extensions: ['mp3', 'mkv'] } }),
    ).rejects.toThrow(/mkv is already in Video/)
    expect(h.settings.get().categories.audio.extensions).toContain('mp3')
    const cleared = await h.api.invoke('settings:update', { category: { id: 'video', folder: null } })
    expect(cleared.categories.video.dir).toBeNull()
  })

  it('an add without a folder sorts by category; an explicit folder and a checksum for several are kept whole', async () => {
    h = await makeIpcHarness()
    const videos = await makeTempDir('cat-videos')
    await h.api.invoke('settings:update', { category: { id: 'video', folder: await chosen(h, videos) } })
    const urls = ['/a/film.mkv', '/a/song.mp3', '/a/blob.bin'].map((p) => server.url(p))
    const added = await h.api.invoke('transfers:add', { urls, options: { startPaused: true } })
    expect(added.rejected).toEqual([])
    const dirOf = (url: string) => h!.store.transfers.list().find((t) => t.url === url)?.dir
    expect(dirOf(urls[0]!)).toBe(videos)
    expect(dirOf(urls[1]!)).toBe(h.downloadDir)
    expect(dirOf(urls[2]!)).toBe(h.downloadDir)
    // The same URL again is the same download (its category's folder again), not a second one.
    const again = await h.api.invoke('transfers:add', { urls: [urls[0]!], options: { startPaused: true } })
    expect(again.added.map((t) => t.id)).toEqual([h.store.transfers.list().find((t) => t.url === urls[0])!.id])
    expect(h.store.transfers.list()).toHaveLength(3)

    const other = await makeTempDir('cat-explicit')
    const explicit = await h.api.invoke('transfers:add', {
      urls: [server.url('/a/film.mkv?explicit')],
      folder: await chosen(h, other),
      options: { startPaused: true },
    })
    expect(h.store.transfers.get(explicit.added[0]!.id)?.dir).toBe(other)
    const sum = `sha256=${'0'.repeat(64)}`
    const both = await h.api.invoke('transfers:add', {
      urls: [server.url('/a/film.mkv?x'), server.url('/a/blob.bin?x')],
      options: { checksum: sum },
    })
    expect(both.rejected.map((r) => r.reason)).toEqual([
      'bad checksum: a checksum is for one URL',
      'bad checksum: a checksum is for one URL',
    ])
  })
})

describe('categories under pinpoint serve', () => {
  it("a category folder outside the server's roots (set by another run) is refused at add, naming it", async () => {
    const dir = await makeTempDir('cat-serve')
    const root = join(dir, 'root')
    const outside = join(dir, 'outside')
    await Promise.all([mkdir(root), mkdir(outside)])
    const stateDir = join(dir, 'state')
    // The desktop app, on the same state folder, sends videos outside what serve may write.
    h = await makeIpcHarness({ stateDir, downloadDir: root })
    await h.api.invoke('settings:update', { category: { id: 'video', folder: await chosen(h, outside) } })
    await h.close()
    h = undefined

    daemon = await startServe({ port: 0, host: '127.0.0.1', roots: [root], stateDir })
    const c = await connect(daemon.port, daemon.token)
    await expect(c.call('transfers:add', { urls: [server.url('/a/film.mkv')] })).rejects.toThrow(
      /transfers:add: folder: the folder .*outside is outside every --root folder/,
    )
    expect(daemon.core.store.transfers.list()).toEqual([])
    // Other types still go to the download folder inside the root.
    await c.call('transfers:add', { urls: [server.url('/a/song.mp3')], options: { startPaused: true } })
    expect(daemon.core.store.transfers.list().map((t) => t.dir)).toEqual([root])
    c.ws.close()
  })
})
