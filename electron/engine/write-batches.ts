import type { LiveSegment } from './checkpointer.ts'
import type { SegmentJob } from './segment-fetch.ts'

/** The size of one write batch: each connection copies up to this much of a body before writing it. */
export const BATCH_BYTES = 1 << 20

/**
 * Second batches, one per connection like `job.batch`, so the network is read while the other one is written.
 * Made only once a body fills a whole batch: a small file never needs one.
 */
const spares = new WeakMap<SegmentJob, Buffer>()

/**
 * Batches no connection is using, for the next one. A 1 MiB buffer per connection per transfer is external
 * memory to V8, and a list of 1000 small files allocated a GiB of it: enough to set off a major collection
 * every few files, which cost more CPU than the downloads. Reused, the buffers cost nothing after the first.
 */
const free: Buffer[] = []
const MAX_FREE = 32

export function takeBatch(size: number): Buffer {
  const at = free.findIndex((b) => b.length === size)
  return at === -1 ? Buffer.allocUnsafe(size) : (free.splice(at, 1)[0] as Buffer)
}

/** Give back a finished job's batches. Only once no write of theirs can still be running. */
export function releaseBatches(job: SegmentJob): void {
  const spare = spares.get(job)
  spares.delete(job)
  for (const b of spare ? [job.batch, spare] : [job.batch])
    if (free.length < MAX_FREE && !free.includes(b)) free.push(b)
}

/**
 * The write batches of one segment: pieces are copied into one batch while the other is being written, and
 * batches go to the file in order, one write at a time, so `seg.written` only ever covers bytes on disk.
 *
 * The copy and the bookkeeping are synchronous, per piece; the only promise is the write of a batch. Reading
 * waits only while both batches are full (the disk is slower than the network), or while the first batch is
 * being written before a second one exists (a checkpoint flush early in a body, or the end of a small one).
 */
export class Batches {
  readonly #job: SegmentJob
  readonly #seg: LiveSegment
  /** The batch being filled, and how much of it is. */
  #fill: Buffer
  #filled = 0
  /** The other batch: being written, or holding `#spareLen` bytes a failed write left behind. */
  #spare: Buffer | undefined
  #spareLen = 0
  /** The write in flight is of `#fill` itself, which must not change until it finishes. */
  #inPlace = false
  #writing: Promise<void> | undefined
  #failure: { err: unknown } | undefined
  #flushing: Promise<void> | undefined
  /** Called when a write finishes (or fails): there may be room again. */
  onWritten: (() => void) | undefined

  constructor(job: SegmentJob, seg: LiveSegment) {
    this.#job = job
    this.#seg = seg
    this.#fill = job.batch
    this.#spare = spares.get(job)
  }

  get failure(): { err: unknown } | undefined {
    return this.#failure
  }

  /**
   * Copy `chunk[off, end)` in as far as it fits, starting the write of each batch that fills. Returns how far it
   * got: short of `end` when there is no room (or a write failed), and the caller must wait for `onWritten`.
   */
  copy(chunk: Buffer, off: number, end: number): number {
    while (off < end) {
      if (this.#inPlace) return off
      if (this.#filled === this.#fill.length) {
        if (this.#writing || this.#failure) return off
        this.#swapAndWrite()
      }
      const k = Math.min(end - off, this.#fill.length - this.#filled)
      chunk.copy(this.#fill, this.#filled, off, off + k)
      this.#filled += k
      off += k
    }
    return off
  }

  /**
   * Write out every byte copied in before this call; resolves once they are written (not synced). Calls queue
   * up rather than share a flush already running: that one may have looked before the latest bytes came in.
   */
  flush(): Promise<void> {
    const prev = this.#flushing
    const run = prev ? prev.then(this.#flushAll, this.#flushAll) : this.#flushAll()
    this.#flushing = run
    const clear = () => {
      if (this.#flushing === run) this.#flushing = undefined
    }
    run.then(clear, clear)
    return run
  }

  readonly #flushAll = async (): Promise<void> => {
    // Only the bytes copied in before this call must be written, never "everything until the flow stops":
    // with data streaming in, that moment may not come until the segment ends, and checkpoints would starve.
    // Those bytes are in the write in flight, or in `#fill`, which the next write (ours, or one the reader
    // starts when it fills up while we wait) takes from its start.
    if (this.#writing) await this.#writing
    if (this.#failure) {
      // One more try, as a fresh flush would, for what the failed write left behind (in the spare batch, or
      // still in `#fill` after an in-place write); those bytes come first, so nothing after them goes out unless
      // they do.
      if (this.#spare && this.#spareLen > 0) {
        await this.#job.part.write(this.#spare, this.#spareLen, this.#seg.start + this.#seg.written)
        this.#seg.written += this.#spareLen
        this.#spareLen = 0
      }
      this.#failure = undefined
    }
    if (!this.#writing && this.#filled > 0) {
      if (this.#spare) this.#swapAndWrite()
      else this.#writeInPlace()
    }
    if (this.#writing) await this.#writing
    // Through the getter: a write that failed during the awaits above set it anew.
    const failed = this.failure
    if (failed) throw failed.err
  }

  /** Swap the batches and start writing the full one at the next offset. Only when no write is running. */
  #swapAndWrite(): void {
    let spare = this.#spare
    if (!spare) {
      spare = takeBatch(this.#fill.length)
      spares.set(this.#job, spare)
    }
    const buf = this.#fill
    const len = this.#filled
    this.#fill = spare
    this.#filled = 0
    this.#spare = buf
    this.#spareLen = len
    this.#start(buf, len, () => {
      this.#spareLen = 0
    })
  }

  /** Write `#fill` where it is; copying waits until it is done. Only when no write is running. */
  #writeInPlace(): void {
    this.#inPlace = true
    this.#start(this.#fill, this.#filled, () => {
      this.#filled = 0
    })
  }

  #start(buf: Buffer, len: number, written: () => void): void {
    const seg = this.#seg
    this.#writing = this.#job.part.write(buf, len, seg.start + seg.written).then(
      () => {
        seg.written += len
        written()
        this.#inPlace = false
        this.#writing = undefined
        this.onWritten?.()
      },
      (err: unknown) => {
        this.#failure = { err }
        this.#inPlace = false
        this.#writing = undefined
        this.onWritten?.()
      },
    )
  }
}
