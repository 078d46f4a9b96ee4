import { rm } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'
import { waitFor } from '../../fixtures/wait-for.ts'
import { makeIpcHarness, type IpcHarness } from './ipc-harness.ts'

let server: FaultServer
let h: IpcHarness
const body = makePayload(64 * 1024, 3)

beforeAll(async () => {
  server = await startFaultServer()
})
afterAll(async () => {
  await server.close()
})
afterEach(async () => {
  await h?.close()
  server.reset()
})

const stateOf = (id: number): string | undefined => h.store.transfers.get(id)?.state

describe('dialog and settings', () => {
  it('dialog:chooseFolder gives a token for the folder the user picked, null when closed', async () => {
    h = await makeIpcHarness()
    expect(await h.api.invoke('dialog:chooseFolder', {})).toBeNull()
    h.desktop.nextFolder = '/srv/isos'
    const chosen = await h.api.invoke('dialog:chooseFolder', {})
    expect(chosen).toEqual({ token: expect.stringMatching(/^folder-/), label: '/srv/isos' })
    expect(h.folders.resolve(chosen?.token ?? '')).toBe('/srv/isos')
  })

  it('settings:get gives the defaults; settings:update changes, persists and announces', async () => {
    h = await makeIpcHarness()
    expect(await h.api.invoke('settings:get', {})).toMatchObject({ downloadDir: h.downloadDir, maxActive: 3, split: 4 })
    const seen: unknown[] = []
    h.settings.onChange((next, prev) => seen.push([prev.maxActive, next.maxActive]))
    h.desktop.nextFolder = '/srv/isos'
    const chosen = await h.api.invoke('dialog:chooseFolder', {})
    const next = await h.api.invoke('settings:update', {
      maxActive: 5,
      limitRate: 1024,
      downloadFolder: chosen?.token,
    })
    expect(next).toMatchObject({ maxActive: 5, limitRate: 1024, downloadDir: '/srv/isos', split: 4 })
    expect(h.emitted.filter((e) => e.channel === 'settings:changed').map((e) => e.payload)).toEqual([next])
    expect(seen).toEqual([[3, 5]])
    expect(h.store.settings.get('maxActive')).toBe(5)
    expect(h.store.settings.get('downloadDir')).toBe('/srv/isos')
    // Unchanged fields are not written: a later change of the built-in default still applies to them.
    expect(h.store.settings.get('split')).toBeUndefined()
  })
})

describe('transfers', () => {
  it('transfers:add adds the good URLs into the chosen folder and returns the rest with reasons', async () => {
    h = await makeIpcHarness()
    const dir = await makeTempDir('ipc-chosen')
    h.desktop.nextFolder = dir
    const folder = (await h.api.invoke('dialog:chooseFolder', {}))?.token
    const out = await h.api.invoke('transfers:add', {
      urls: [server.url('/a.bin'), 'ftp://x.test/a', 'javascript:alert(1)', 'nonsense', server.url('/b.bin')],
      ...(folder ? { folder } : {}),
      options: { startPaused: true, split: 2, limitRate: 4096 },
    })
    expect(out.added.map((t) => [t.url, t.dir, t.state])).toEqual([
      [server.url('/a.bin'), dir, 'paused'],
      [server.url('/b.bin'), dir, 'paused'],
    ])
    expect(out.rejected.map((r) => r.input)).toEqual(['ftp://x.test/a', 'javascript:alert(1)', 'nonsense'])
    expect(out.rejected.every((r) => r.reason.length > 0)).toBe(true)
    const row = h.store.transfers.get(out.added[0]?.id ?? 0)
    expect(row).toMatchObject({ split: 2, limitRate: 4096 })
    expect(server.log).toEqual([])
  })

  it('transfers:add without a folder uses the settings; a bad checksum rejects every URL with the reason', async () => {
    h = await makeIpcHarness()
    await h.api.invoke('settings:update', { split: 7 })
    const bad = await h.api.invoke('transfers:add', {
      urls: [server.url('/a'), server.url('/b')],
      options: { checksum: 'sha256=abc' },
    })
    expect(bad.added).toEqual([])
    expect(bad.rejected).toEqual([
      { input: server.url('/a'), reason: expect.stringMatching(/^bad checksum: .*64 hex digits/) },
      { input: server.url('/b'), reason: expect.stringMatching(/^bad checksum/) },
    ])
    const hex = 'AB'.repeat(32)
    const two = await h.api.invoke('transfers:add', {
      urls: [server.url('/a'), server.url('/b')],
      options: { checksum: `sha256=${hex}` },
    })
    expect(two.rejected.map((r) => r.reason)).toEqual([
      'bad checksum: a checksum is for one URL',
      'bad checksum: a checksum is for one URL',
    ])
    const ok = await h.api.invoke('transfers:add', {
      urls: [server.url('/a')],
      options: { checksum: `SHA256=${hex}`, startPaused: true },
    })
    expect(ok.added[0]).toMatchObject({ dir: h.downloadDir })
    expect(h.store.transfers.get(ok.added[0]?.id ?? 0)).toMatchObject({
      split: 7,
      checksum: `sha256=${hex.toLowerCase()}`,
    })
  })

  it('transfers:list, reorder, resume, pause, cancel, retry and remove act on ids', async () => {
    h = await makeIpcHarness()
    server.serve('/ok.bin', { body })
    server.serve('/slow.bin', { body: makePayload(4 * 1024 * 1024, 4), faults: { rateBytesPerSec: 128 * 1024 } })
    const { added } = await h.api.invoke('transfers:add', {
      urls: [server.url('/ok.bin'), server.url('/slow.bin'), server.url('/missing.bin')],
      options: { startPaused: true },
    })
    const [ok, slow, missing] = added.map((t) => t.id) as [number, number, number]
    expect((await h.api.invoke('transfers:list', {})).transfers.map((t) => t.id)).toEqual([ok, slow, missing])

    await h.api.invoke('transfers:reorder', { ids: [missing, ok] })
    expect((await h.api.invoke('transfers:list', {})).transfers.map((t) => t.id)).toEqual([missing, ok, slow])

    await h.api.invoke('transfers:resume', { ids: [ok, slow, missing] })
    await waitFor(() => stateOf(ok) === 'completed' && stateOf(missing) === 'failed')
    await waitFor(() => stateOf(slow) === 'downloading')
    await h.api.invoke('transfers:pause', { ids: [slow] })
    await waitFor(() => stateOf(slow) === 'paused')

    await h.api.invoke('transfers:cancel', { ids: [slow] })
    expect(stateOf(slow)).toBe('canceled')

    server.serve('/missing.bin', { body })
    await h.api.invoke('transfers:retry', { ids: [missing] })
    await waitFor(() => stateOf(missing) === 'completed')

    await h.api.invoke('transfers:remove', { ids: [ok, missing], deleteFile: true })
    expect((await h.api.invoke('transfers:list', {})).transfers.map((t) => t.id)).toEqual([slow])
    await waitFor(() => h.emitted.some((e) => e.channel === 'transfers:changed' && e.payload.removed.includes(ok)))
  })

  it('transfers:open and reveal map an id to the saved file; only a finished file opens', async () => {
    h = await makeIpcHarness()
    server.serve('/done.bin', { body })
    const { added } = await h.api.invoke('transfers:add', {
      urls: [server.url('/done.bin'), server.url('/later.bin')],
      options: { startPaused: true },
    })
    const [done, later] = added.map((t) => t.id) as [number, number]
    await h.api.invoke('transfers:resume', { ids: [done] })
    await waitFor(() => stateOf(done) === 'completed')
    const saved = join(h.downloadDir, 'done.bin')

    expect(await h.api.invoke('transfers:open', { id: done })).toEqual({ ok: true })
    expect(await h.api.invoke('transfers:reveal', { id: done })).toEqual({ ok: true })
    expect(h.desktop.opened).toEqual([saved])
    expect(h.desktop.revealed).toEqual([saved])

    expect(await h.api.invoke('transfers:open', { id: later })).toEqual({
      ok: false,
      reason: 'only a completed download can be opened',
    })
    // Not finished: reveal opens the folder it will land in.
    expect(await h.api.invoke('transfers:reveal', { id: later })).toEqual({ ok: true })
    expect(h.desktop.opened).toEqual([saved, h.downloadDir])

    await rm(saved)
    expect(await h.api.invoke('transfers:open', { id: done })).toEqual({
      ok: false,
      reason: `${saved} was moved or deleted`,
    })
    expect(await h.api.invoke('transfers:open', { id: 999 })).toEqual({ ok: false, reason: 'no such transfer' })
    h.desktop.open = async () => 'no application is registered'
    await h.api.invoke('transfers:reveal', { id: later })
    expect(await h.api.invoke('transfers:reveal', { id: later })).toEqual({
      ok: false,
      reason: 'no application is registered',
    })
  })

  it('transfers:details gives segments, events and the recorded connections', async () => {
    h = await makeIpcHarness()
    server.serve('/d.bin', { body: makePayload(512 * 1024, 5) })
    server.serve('/gone.bin', { body, faults: { status: 503, failTimes: 1 } })
    const { added } = await h.api.invoke('transfers:add', {
      urls: [server.url('/d.bin'), server.url('/gone.bin')],
      options: { split: 2 },
    })
    const [d, gone] = added.map((t) => t.id) as [number, number]
    await waitFor(() => stateOf(d) === 'completed' && stateOf(gone) === 'completed')
    const details = await h.api.invoke('transfers:details', { id: d })
    expect(details.segments.length).toBeGreaterThan(0)
    expect(details.segments.reduce((n, s) => n + s.done, 0)).toBe(512 * 1024)
    expect(details.connections.length).toBeGreaterThan(0)
    expect(details.connections[0]).toMatchObject({ url: server.url('/d.bin'), address: '127.0.0.1', port: server.port })
    const retried = await h.api.invoke('transfers:details', { id: gone })
    expect(retried.events.map((e) => e.kind)).toContain('retry')
    expect(await h.api.invoke('transfers:details', { id: 999 })).toEqual({ segments: [], events: [], connections: [] })
  })
})

describe('links:parse', () => {
  it('flags links that are already in the queue', async () => {
    h = await makeIpcHarness()
    await h.api.invoke('transfers:add', { urls: ['http://queued.test/a.iso'], options: { startPaused: true } })
    const out = await h.api.invoke('links:parse', {
      kind: 'html',
      text: '<a href="http://queued.test/a.iso">a</a> <a href="http://new.test/b.iso">b</a> <a href="file:///etc/passwd">c</a>',
    })
    expect(out).toEqual({
      urls: ['http://queued.test/a.iso', 'http://new.test/b.iso'],
      rejected: [{ input: 'file:///etc/passwd', reason: expect.stringMatching(/^file:/) }],
      duplicates: ['http://queued.test/a.iso'],
    })
  })
})
