import { createHash } from 'node:crypto'
import { mkdir, open, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { hashFileMany } from '../../../electron/engine/hash-many.ts'
import { HashWorker, liveHashWorkers } from '../../../electron/engine/hash-worker.ts'
import { PrefixDigests } from '../../../electron/engine/prefix-digests.ts'
import { makeHarness, type Harness } from '../../fixtures/engine-harness.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

// Hashing on worker threads: the same digests as node:crypto in the main thread, every failure a clear error
// (never a hang), and no worker left running after a cancel or an abort.
const ALGOS = ['sha256', 'sha512', 'blake2b512', 'sha1', 'md5']
// Not a multiple of the 1 MiB read, so the last read is a short one.
const payload = makePayload(5 * 1024 * 1024 + 12_345, 77)
const expected = (data: Buffer) => Object.fromEntries(ALGOS.map((a) => [a, createHash(a).update(data).digest('hex')]))
const hex = (m: Map<string, Buffer> | undefined) =>
  Object.fromEntries([...(m ?? new Map<string, Buffer>())].map(([a, d]) => [a, d.toString('hex')]))

let dir: string
let file: string
beforeAll(async () => {
  dir = await makeTempDir('hash-worker')
  file = join(dir, 'payload.bin')
  await writeFile(file, payload)
})
afterAll(async () => {
  await removeTempDir(dir)
})

describe('digests on worker threads', () => {
  it('one worker per digest reading a real file gives what node:crypto gives', async () => {
    expect(hex(await hashFileMany(file, ALGOS))).toEqual(expected(payload))
    const empty = join(dir, 'empty.bin')
    await writeFile(empty, '')
    expect(hex(await hashFileMany(empty, ['sha256', 'blake2b512']))).toEqual({
      sha256: createHash('sha256').digest('hex'),
      blake2b512: createHash('blake2b512').digest('hex'),
    })
    expect(liveHashWorkers()).toBe(0)
  })

  it('workers following a file written in pieces out of order give what node:crypto gives', async () => {
    const out = join(dir, 'pieces.bin')
    const fd = await open(out, 'w')
    const d = new PrefixDigests(ALGOS, out)
    // Eight interleaved "connections", each writing its own pieces front to back in uneven writes.
    const pieces = 8
    const size = Math.ceil(payload.length / pieces)
    const next = Array.from({ length: pieces }, (_, i) => i * size)
    for (let round = 0; next.some((at, i) => at < Math.min((i + 1) * size, payload.length)); round++) {
      for (let i = pieces - 1; i >= 0; i--) {
        const end = Math.min((i + 1) * size, payload.length)
        const at = next[i] as number
        if (at >= end) continue
        const n = Math.min(end - at, 1000 + ((round * 7919 + i * 104_729) % 299_000))
        await fd.write(payload, at, n, at)
        d.written(n, at)
        next[i] = at + n
      }
    }
    await fd.close()
    expect(hex(await d.result(payload.length))).toEqual(expected(payload))
    expect(liveHashWorkers()).toBe(0)
  })

  it("starts from a resume's durable ranges, and gives up on a gap or a rewrite of hashed bytes", async () => {
    const half = 3 * 1024 * 1024
    const resumed = new PrefixDigests(['sha256'], file, [
      { start: 0, done: 1 << 20 },
      { start: half, done: 1000 },
    ])
    resumed.written(half - (1 << 20), 1 << 20)
    resumed.written(payload.length - half - 1000, half + 1000)
    expect(hex(await resumed.result(payload.length))).toEqual({ sha256: expected(payload).sha256 })

    const gap = new PrefixDigests(['sha256'], file)
    gap.written(1000, 0)
    gap.written(1000, 2000)
    expect(await gap.result(3000)).toBeUndefined()
    const rewrite = new PrefixDigests(['sha256'], file)
    rewrite.written(5000, 0)
    rewrite.written(1000, 4000)
    rewrite.written(payload.length - 5000, 5000)
    expect(await rewrite.result(payload.length)).toBeUndefined()
    const short = new PrefixDigests(['sha256'], file)
    short.written(8000, 0)
    expect(await short.result(payload.length)).toBeUndefined()
    expect(await new PrefixDigests([], file).result(0)).toBeUndefined()
    expect(liveHashWorkers()).toBe(0)
  })

  it('a file that cannot be read is FILE_ERROR, not a hang', async () => {
    await expect(hashFileMany(join(dir, 'missing.bin'), ['sha256'])).rejects.toMatchObject({ code: 'FILE_ERROR' })
    const sub = join(dir, 'a-folder')
    await mkdir(sub)
    await expect(hashFileMany(sub, ['sha256', 'blake2b512'])).rejects.toMatchObject({ code: 'FILE_ERROR' })
    expect(liveHashWorkers()).toBe(0)
  })

  it('a worker that fails is INTERNAL, whether it fails at its start or dies in the middle of a download', async () => {
    // createHash throws inside the worker: its thread ends with an uncaught error.
    await expect(hashFileMany(file, ['sha256', 'no-such-digest'])).rejects.toMatchObject({ code: 'INTERNAL' })
    const failing = new PrefixDigests(['no-such-digest'], file)
    failing.written(1 << 20, 0)
    await expect(failing.result(1 << 20)).rejects.toMatchObject({ code: 'INTERNAL' })
    // Told the file is longer than it is: a clear failure, not a wait for bytes that never come.
    const beyond = new PrefixDigests(['sha256'], file)
    beyond.written(payload.length + 10, 0)
    await expect(beyond.result(payload.length + 10)).rejects.toMatchObject({ code: 'INTERNAL' })

    // A thread gone in the middle of the file (terminated from outside, as a crash would end it).
    const worker = new HashWorker(['sha256'], file, true)
    worker.upTo(1 << 20)
    await worker.terminate()
    await expect(worker.result()).rejects.toMatchObject({ code: 'INTERNAL' })
    await expect(async () => new PrefixDigests(['sha256'], join(dir, 'missing.bin'))).rejects.toMatchObject({
      code: 'FILE_ERROR',
    })
    expect(liveHashWorkers()).toBe(0)
  })

  it('an abort stops every worker and rejects with its reason', async () => {
    const big = join(dir, 'big.bin')
    await writeFile(big, Buffer.alloc(64 * 1024 * 1024, 3))
    const ctl = new AbortController()
    const hashing = hashFileMany(big, ['sha256', 'blake2b512'], ctl.signal)
    expect(liveHashWorkers()).toBe(2)
    ctl.abort(new Error('stop it'))
    await expect(hashing).rejects.toThrow('stop it')
    expect(liveHashWorkers()).toBe(0)

    const followed = new PrefixDigests(['sha256'], big)
    followed.written(64 * 1024 * 1024, 0)
    const ctl2 = new AbortController()
    ctl2.abort(new Error('cancelled'))
    await expect(followed.result(64 * 1024 * 1024, ctl2.signal)).rejects.toThrow('cancelled')
    await waitFor(() => liveHashWorkers() === 0)
  })
})

describe('the engine and its hashing worker', () => {
  let server: FaultServer
  let h: Harness | undefined
  beforeAll(async () => {
    server = await startFaultServer()
  })
  afterEach(async () => {
    await h?.close()
    server.reset()
  })
  afterAll(async () => {
    await server.close()
  })

  it.each([1, 4])(
    'a download over %i connection(s) with a checksum hashes on a worker as it downloads, and a cancel ends that worker',
    async (split) => {
      const body = makePayload(8 * 1024 * 1024, 9)
      server.serve('/slow.bin', { body, faults: { rateBytesPerSec: 1024 * 1024 } })
      h = await makeHarness()
      const sum = createHash('sha256').update(body).digest('hex')
      const row = h.queue.add({ url: server.url('/slow.bin'), dir: h.dir, split, checksum: `sha256=${sum}` })
      h.queue.start([row.id])
      await waitFor(() => h?.store.transfers.get(row.id)?.state === 'downloading' && liveHashWorkers() === 1)
      // Several connections take ordered pieces, so the file fills from its start and the worker can follow it.
      if (split > 1) expect(h.store.segments.list(row.id).length).toBeGreaterThan(split)
      await h.queue.cancel([row.id])
      expect(h.store.transfers.get(row.id)?.state).toBe('canceled')
      await waitFor(() => liveHashWorkers() === 0)
    },
  )

  it('a paused download over four connections resumes with its digests starting from the bytes it holds', async () => {
    const body = makePayload(6 * 1024 * 1024 + 3, 12)
    server.serve('/resume.bin', { body, faults: { rateBytesPerSec: 2 * 1024 * 1024 } })
    // `confine` runs right before the check: the worker following the file must still be there, not gone.
    const atCheck: number[] = []
    h = await makeHarness({
      env: {
        confine: async () => {
          if (h?.store.transfers.listByState(['verifying']).length) atCheck.push(liveHashWorkers())
        },
      },
    })
    const sum = createHash('sha256').update(body).digest('hex')
    const row = h.queue.add({ url: server.url('/resume.bin'), dir: h.dir, split: 4, checksum: `sha256=${sum}` })
    h.queue.start([row.id])
    const held = () => (h?.store.segments.list(row.id) ?? []).reduce((n, s) => n + s.done, 0)
    await waitFor(() => held() > 1024 * 1024)
    h.queue.pause([row.id])
    await waitFor(() => h?.store.transfers.get(row.id)?.state === 'paused' && liveHashWorkers() === 0)
    const before = held()
    expect(before).toBeGreaterThan(0)
    expect(before).toBeLessThan(body.length)
    server.serve('/resume.bin', { body })
    h.queue.resume([row.id])
    const [done] = await h.queue.settled([row.id])
    expect(done?.state).toBe('completed')
    // Whatever the first run held and the second fetched, the digest is of the whole file and only of it.
    expect(await h.files()).toEqual(['resume.bin'])
    expect(atCheck).toEqual([1])
    expect(liveHashWorkers()).toBe(0)
  })

  it('a download verified by the worker completes, and leaves no worker behind', async () => {
    const body = makePayload(3 * 1024 * 1024 + 5, 10)
    server.serve('/f.bin', { body })
    h = await makeHarness()
    const sum = createHash('sha256').update(body).digest('hex')
    for (const split of [1, 4]) {
      const ok = await h.download(server.url('/f.bin'), { split, checksum: `sha256=${sum}` })
      expect(ok.state).toBe('completed')
      const bad = await h.download(server.url('/f.bin'), { split, checksum: `sha256=${'0'.repeat(64)}` })
      expect(bad).toMatchObject({ state: 'failed', errorCode: 'CHECKSUM_MISMATCH' })
    }
    expect(liveHashWorkers()).toBe(0)
  })
})
