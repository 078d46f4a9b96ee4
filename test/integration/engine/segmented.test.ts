import { constants } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { makeHarness, type Harness } from '../../fixtures/engine-harness.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { openFlags } from '../../fixtures/open-flags.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

let server: FaultServer
let h: Harness
const body = makePayload(3 * 1024 * 1024 + 123, 1)

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

const fileSha = async (path: string | null) => sha256(await readFile(path as string))
const ranges = () => server.log.filter((e) => e.method === 'GET').map((e) => e.rangeHeader)

describe('segmented downloads', () => {
  it('splits into N range connections, validates each 206, and ends byte-identical with no .part', async () => {
    server.serve('/f.bin', { body })
    h = await makeHarness()
    const row = await h.download(server.url('/f.bin'), { split: 4 })
    expect(row).toMatchObject({ state: 'completed', total: body.length, rangeSupported: true })
    expect(await fileSha(row.savedPath)).toBe(sha256(body))
    expect(await h.files()).toEqual(['f.bin'])
    expect(ranges()[0]).toBe('bytes=0-')
    expect(new Set(server.log.map((e) => e.connectionId)).size).toBeGreaterThanOrEqual(4)
    expect(
      ranges()
        .slice(1)
        .every((r) => /^bytes=\d+-\d+$/.test(r ?? '')),
    ).toBe(true)
  })

  it('an idle connection steals half of the largest remaining segment', async () => {
    // One segment in flight and a second connection with nothing to do: it must split the busy one.
    server.serve('/steal.bin', { body, faults: { rateBytesPerSec: 1024 * 1024 } })
    h = await makeHarness()
    const row = h.queue.add({ url: server.url('/steal.bin'), dir: h.dir, split: 1 })
    h.queue.start([row.id])
    await waitFor(() => h.store.segments.durableBytes(row.id) > 64 * 1024)
    h.queue.pause([row.id])
    await h.queue.settled([row.id])
    expect(h.store.segments.list(row.id)).toHaveLength(1)
    h.store.transfers.update(row.id, { split: 2 })
    server.setFaults('/steal.bin', {})
    server.reset()
    h.queue.resume([row.id])
    const [done] = await h.queue.settled([row.id])
    expect(done?.state).toBe('completed')
    expect(await fileSha(done?.savedPath ?? null)).toBe(sha256(body))
    const segs = h.store.segments.list(row.id)
    expect(segs).toHaveLength(2)
    expect(segs[1]?.start).toBeGreaterThan(segs[0]?.start ?? 0)
    expect(ranges()).toContain(`bytes=${segs[1]?.start}-${body.length - 1}`)
  })

  it('pause, then resume: the rest is fetched from the durable offsets with If-Range', async () => {
    server.serve('/r.bin', { body, faults: { rateBytesPerSec: 1024 * 1024 } })
    h = await makeHarness()
    const row = h.queue.add({ url: server.url('/r.bin'), dir: h.dir, split: 2 })
    h.queue.start([row.id])
    await waitFor(() => h.store.segments.durableBytes(row.id) > 256 * 1024)
    h.queue.pause([row.id])
    const [paused] = await h.queue.settled([row.id])
    expect(paused?.state).toBe('paused')
    const durable = h.store.segments.list(row.id)
    server.reset()
    server.setFaults('/r.bin', {})
    h.queue.resume([row.id])
    const [done] = await h.queue.settled([row.id])
    expect(done?.state).toBe('completed')
    expect(await fileSha(done?.savedPath ?? null)).toBe(sha256(body))
    const etag = server.log[0]?.headers['if-range']
    expect(etag).toMatch(/^"[0-9a-f]{16}"$/)
    for (const e of server.log) {
      expect(e.ifRange).toBe(etag)
      const from = Number(/bytes=(\d+)-/.exec(e.rangeHeader ?? '')?.[1])
      const seg = durable.find((s) => from >= s.start && from < s.end)
      expect(seg, `request ${e.rangeHeader} starts inside a known segment`).toBeDefined()
      expect(from).toBeGreaterThanOrEqual((seg?.start ?? 0) + (seg?.done ?? 0))
    }
  })

  it('a file that changed on the server (new ETag) restarts from zero, and says why', async () => {
    server.serve('/c.bin', { body, faults: { rateBytesPerSec: 1024 * 1024 } })
    h = await makeHarness()
    const row = h.queue.add({ url: server.url('/c.bin'), dir: h.dir, split: 2 })
    h.queue.start([row.id])
    await waitFor(() => h.store.segments.durableBytes(row.id) > 128 * 1024)
    h.queue.pause([row.id])
    await h.queue.settled([row.id])
    const changed = makePayload(body.length - 1000, 2)
    server.serve('/c.bin', { body: changed })
    h.queue.resume([row.id])
    const [done] = await h.queue.settled([row.id])
    expect(done).toMatchObject({ state: 'completed', total: changed.length, restarts: 1 })
    expect(await fileSha(done?.savedPath ?? null)).toBe(sha256(changed))
    expect(h.store.events.list(row.id).map((e) => e.message)).toContain('restarted: the file changed on the server')
  })

  it('without a strong validator (weak ETag only) progress is not trusted across a restart of the engine', async () => {
    server.serve('/w.bin', { body, weakEtag: true, faults: { rateBytesPerSec: 1024 * 1024 } })
    h = await makeHarness()
    const row = h.queue.add({ url: server.url('/w.bin'), dir: h.dir, split: 1 })
    h.queue.start([row.id])
    await waitFor(() => h.store.segments.durableBytes(row.id) > 128 * 1024)
    h.queue.pause([row.id])
    await h.queue.settled([row.id])
    expect(h.store.transfers.get(row.id)?.etag).toBeNull()
    server.reset()
    server.setFaults('/w.bin', {})
    h.queue.resume([row.id])
    const [done] = await h.queue.settled([row.id])
    expect(done?.state).toBe('completed')
    expect(ranges()).toEqual(['bytes=0-'])
    expect(server.log[0]?.ifRange).toBeUndefined()
    expect(await fileSha(done?.savedPath ?? null)).toBe(sha256(body))
  })

  it('an ETag weak at first and strong after (the same tag) is the same file: no restart, and If-Range learns it', async () => {
    // What Apache does for a file written within the current second.
    server.serve('/turns.bin', { body, weakEtagFor: 1, faults: { rateBytesPerSec: 1024 * 1024 } })
    h = await makeHarness()
    const row = h.queue.add({ url: server.url('/turns.bin'), dir: h.dir, split: 4 })
    h.queue.start([row.id])
    await waitFor(() => h.store.transfers.get(row.id)?.etag != null)
    h.queue.pause([row.id])
    await h.queue.settled([row.id])
    const strong = h.store.transfers.get(row.id)?.etag
    expect(strong).toBe(`"${sha256(body).slice(0, 16)}"`)
    expect(server.log[0]?.ifRange).toBeUndefined()
    // Still throttled: setFaults would count requests from zero again, and so make the ETag weak again.
    const before = server.log.length
    h.queue.resume([row.id])
    const [done] = await h.queue.settled([row.id])
    expect(done).toMatchObject({ state: 'completed', restarts: 0, etag: strong })
    expect(await fileSha(done?.savedPath ?? null)).toBe(sha256(body))
    expect(h.store.events.list(row.id).filter((e) => e.kind === 'restart')).toEqual([])
    for (const e of server.log) expect([undefined, strong]).toContain(e.ifRange)
    expect(server.log.slice(before).every((e) => e.ifRange === strong && e.status === 206)).toBe(true)
  })

  it('a weak ETag that changes mid-download is a changed file: restart from zero, never a mix of two files', async () => {
    server.serve('/wc.bin', { body, weakEtag: true, faults: { stallAfterBytes: 100_000 } })
    h = await makeHarness()
    const row = h.queue.add({ url: server.url('/wc.bin'), dir: h.dir, split: 2 })
    h.queue.start([row.id])
    await waitFor(() => server.log.filter((e) => e.outcome === 'stalled').length >= 2)
    // The same size, other bytes, another weak tag: the stalled connections retry into it.
    const changed = makePayload(body.length, 7)
    server.serve('/wc.bin', { body: changed, weakEtag: true })
    const [done] = await h.queue.settled([row.id])
    expect(done).toMatchObject({ state: 'completed', restarts: 1 })
    expect(await fileSha(done?.savedPath ?? null)).toBe(sha256(changed))
    expect(h.store.events.list(row.id).map((e) => e.message)).toContain('restarted: the file changed on the server')
  })

  it('a Last-Modified in the same second as Date is no validator: plain ranges, no If-Range, no restart', async () => {
    const now = new Date().toUTCString()
    // Slow enough to span a second or more: every response still says the same Date, so nothing turns strong.
    const faults = { rateBytesPerSec: 256 * 1024 }
    server.serve('/lm.bin', { body, etag: null, lastModified: now, headers: { Date: now }, faults })
    h = await makeHarness()
    const row = await h.download(server.url('/lm.bin'), { split: 4 })
    expect(row, row.errorMessage ?? '').toMatchObject({ state: 'completed', restarts: 0, lastModified: null })
    expect(await fileSha(row.savedPath)).toBe(sha256(body))
    expect(server.log.length).toBeGreaterThanOrEqual(4)
    expect(server.log.every((e) => e.ifRange === undefined && e.status === 206)).toBe(true)
  })

  it('with no ETag, a Last-Modified a second or more before Date is the validator a resume sends', async () => {
    const lastModified = 'Wed, 21 Oct 2015 07:28:00 GMT'
    const headers = { Date: new Date().toUTCString() }
    server.serve('/lmr.bin', { body, etag: null, lastModified, headers, faults: { rateBytesPerSec: 1024 * 1024 } })
    h = await makeHarness()
    const row = h.queue.add({ url: server.url('/lmr.bin'), dir: h.dir, split: 2 })
    h.queue.start([row.id])
    await waitFor(() => h.store.segments.durableBytes(row.id) > 128 * 1024)
    h.queue.pause([row.id])
    await h.queue.settled([row.id])
    expect(h.store.transfers.get(row.id)).toMatchObject({ etag: null, lastModified })
    server.reset()
    server.setFaults('/lmr.bin', {})
    h.queue.resume([row.id])
    const [done] = await h.queue.settled([row.id])
    expect(done).toMatchObject({ state: 'completed', restarts: 0 })
    expect(await fileSha(done?.savedPath ?? null)).toBe(sha256(body))
    expect(server.log.length).toBeGreaterThan(0)
    expect(server.log.every((e) => e.ifRange === lastModified && e.status === 206)).toBe(true)
  })

  it('a server that ignores Range gets one connection from zero, never an append at an offset', async () => {
    server.serve('/n.bin', { body, faults: { ignoreRange: true } })
    h = await makeHarness()
    const row = await h.download(server.url('/n.bin'), { split: 4 })
    expect(row).toMatchObject({ state: 'completed', rangeSupported: false })
    expect(server.log).toHaveLength(1)
    expect(await fileSha(row.savedPath)).toBe(sha256(body))
  })

  it('saves into the chosen folder under the URL name', async () => {
    server.serve('/dir/name.iso', { body: Buffer.from('iso') })
    h = await makeHarness()
    const row = await h.download(server.url('/dir/name.iso'))
    expect(row.savedPath).toBe(join(h.dir, 'name.iso'))
  })
})

/**
 * Start a download of `body`, slowed down so its `.part` is open for a while, and tell how the `.part` was opened;
 * then let it finish and check the file.
 */
async function partFlagsWhileRunning(name: string, body: Buffer, split: number): Promise<number> {
  server.serve(`/${name}`, { body, faults: { rateBytesPerSec: 64 * 1024 } })
  h = await makeHarness()
  const row = h.queue.add({ url: server.url(`/${name}`), dir: h.dir, split })
  h.queue.start([row.id])
  const part = join(h.dir, `${name}.part`)
  let flags: number | undefined
  await waitFor(() => {
    try {
      flags = openFlags(part)
      return true
    } catch {
      return false
    }
  })
  server.setFaults(`/${name}`, {})
  const [done] = await h.queue.settled([row.id])
  expect(done?.state).toBe('completed')
  expect(sha256(await readFile(done?.savedPath as string))).toBe(sha256(body))
  return flags as number
}

describe('a file that arrives in one write is written through', () => {
  it('a body no larger than one write batch goes to a .part opened O_DSYNC', async () => {
    const flags = await partFlagsWhileRunning('small.bin', makePayload(100 * 1024, 3), 4)
    expect(flags & constants.O_DSYNC).toBe(constants.O_DSYNC)
  })

  it('a larger one, written in several batches, is synced once at the end instead', async () => {
    const flags = await partFlagsWhileRunning('large.bin', makePayload(3 * 1024 * 1024, 4), 1)
    expect(flags & constants.O_DSYNC).toBe(0)
  })
})
