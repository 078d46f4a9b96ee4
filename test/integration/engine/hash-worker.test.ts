import { createHash } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { hashFileMany } from '../../../electron/engine/hash-many.ts'
import { HashWorker, liveHashWorkers } from '../../../electron/engine/hash-worker.ts'
import { InOrderDigests } from '../../../electron/engine/in-order-digests.ts'
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

  it('a worker fed the writes, from a reused buffer in uneven pieces, gives what node:crypto gives', async () => {
    const d = new InOrderDigests(ALGOS)
    const batch = Buffer.alloc(300_000)
    for (let at = 0, i = 0; at < payload.length; i++) {
      const n = payload.copy(batch, 0, at, at + 1000 + ((i * 7919) % 299_000))
      await d.written(batch, n, at)
      // The next piece overwrites the batch at once: the worker must have been sent a copy.
      batch.fill(0xff)
      at += n
    }
    expect(hex(await d.result(payload.length))).toEqual(expected(payload))
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
    const fed = new HashWorker(['no-such-digest'])
    await fed.feed(payload.subarray(0, 1000))
    await expect(fed.result()).rejects.toMatchObject({ code: 'INTERNAL' })

    // A thread gone in the middle of the stream (terminated from outside, as a crash would end it).
    const d = new InOrderDigests(['sha256'])
    await d.written(payload, 1 << 20, 0)
    const worker = new HashWorker(['sha256'])
    await worker.feed(payload.subarray(0, 1 << 20))
    await worker.terminate()
    await expect(worker.result()).rejects.toMatchObject({ code: 'INTERNAL' })
    await d.dispose()
    expect(await d.result(1 << 20)).toBeUndefined()
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

    const fed = new InOrderDigests(['sha256'])
    await fed.written(payload, 1 << 20, 0)
    const ctl2 = new AbortController()
    ctl2.abort(new Error('cancelled'))
    await expect(fed.result(1 << 20, ctl2.signal)).rejects.toThrow('cancelled')
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

  it('a one-connection download with a checksum hashes on a worker, and a cancel ends that worker', async () => {
    const body = makePayload(1024 * 1024, 9)
    server.serve('/slow.bin', { body, faults: { rateBytesPerSec: 256 * 1024 } })
    h = await makeHarness()
    const sum = createHash('sha256').update(body).digest('hex')
    const row = h.queue.add({ url: server.url('/slow.bin'), dir: h.dir, split: 1, checksum: `sha256=${sum}` })
    h.queue.start([row.id])
    await waitFor(() => h?.store.transfers.get(row.id)?.state === 'downloading' && liveHashWorkers() === 1)
    await h.queue.cancel([row.id])
    expect(h.store.transfers.get(row.id)?.state).toBe('canceled')
    await waitFor(() => liveHashWorkers() === 0)
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
