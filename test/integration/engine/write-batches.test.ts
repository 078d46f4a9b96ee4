import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import type { LiveSegment } from '../../../electron/engine/checkpointer.ts'
import { PartFile } from '../../../electron/engine/part-file.ts'
import type { SegmentJob } from '../../../electron/engine/segment-fetch.ts'
import { Batches } from '../../../electron/engine/write-batches.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'

const BATCH = 64 * 1024
const TOTAL = 32 * 1024 * 1024

describe('write batches on a real file', () => {
  it('a flush during a stream that never pauses resolves once the bytes before it are written', async () => {
    const dir = await makeTempDir('batches')
    const part = await PartFile.create(join(dir, 'f.part'))
    // Only what Batches reads of the job: the file and the first batch.
    const job = { part, batch: Buffer.allocUnsafe(BATCH) } as SegmentJob
    const seg: LiveSegment = { start: 0, end: TOTAL, done: 0, written: 0, received: 0, busy: true }
    const out = new Batches(job, seg)
    const source = Buffer.alloc(TOTAL)
    for (let i = 0; i < TOTAL; i += 4) source.writeUInt32LE(i, i)

    // The network is faster than the disk: every time a write finishes, the next piece is already waiting,
    // so some write is always in flight until the last byte is in.
    let copied = 0
    let flushedAt: { before: number; copiedWhenDone: number; written: number } | undefined
    const streamed = new Promise<void>((resolve, reject) => {
      const feed = () => {
        if (out.failure) return reject(out.failure.err)
        while (copied < TOTAL) {
          const next = Math.min(copied + 16 * 1024, TOTAL)
          const got = out.copy(source, copied, next)
          copied = got
          if (got < next) return
          if (copied === 4 * 1024 * 1024 && flushedAt === undefined) {
            const before = copied
            void out.flush().then(() => {
              flushedAt = { before, copiedWhenDone: copied, written: seg.written }
            })
          }
        }
        resolve()
      }
      out.onWritten = feed
      feed()
    })
    await streamed
    await out.flush()
    await part.sync()
    await part.close()

    // It came back while the stream was still running, not when it stopped, and covered what it was asked to.
    expect(flushedAt).toBeDefined()
    expect(flushedAt!.copiedWhenDone).toBeLessThan(TOTAL)
    expect(flushedAt!.written).toBeGreaterThanOrEqual(flushedAt!.before)
    expect(seg.written).toBe(TOTAL)
    expect((await readFile(join(dir, 'f.part'))).equals(source)).toBe(true)
  })
})
