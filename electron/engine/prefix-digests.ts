import { HashWorker } from './hash-worker.ts'

/** How far the gapless prefix must grow before the workers are told: a message per write would cost more. */
const STEP = 4 * 1024 * 1024

/**
 * Digests of a `.part` computed while it is written, by worker threads that read the file's gapless prefix
 * `[0, n)` from the page cache as `n` grows, so verification after the last byte needs no second read of the
 * file. Writes may land in any order (several connections, a resume's durable ranges): the prefix grows when the
 * write at its end lands, taking every range already written after it. A write that falls inside the prefix
 * (bytes already hashed could have changed) gives up, and the file is read afterwards instead.
 * One worker per digest, so SHA-256 and BLAKE2b-512 run side by side. `dispose` stops them whatever happened.
 */
export class PrefixDigests {
  #workers: HashWorker[]
  #prefix = 0
  #told = 0
  /** The workers' end, once given up on: `result` and `dispose` settle only after it. */
  #gone: Promise<unknown> = Promise.resolve()
  /** Written ranges past the prefix, by their start and by their end: each maps to the range's other end. */
  readonly #byStart = new Map<number, number>()
  readonly #byEnd = new Map<number, number>()

  /** `written` lists ranges already on disk (a resume's durable bytes). Throws FILE_ERROR if `path` won't open. */
  constructor(algos: readonly string[], path: string, written: ReadonlyArray<{ start: number; done: number }> = []) {
    this.#workers = []
    try {
      for (const a of algos) this.#workers.push(new HashWorker([a], path, true))
    } catch (err) {
      void this.dispose()
      throw err
    }
    for (const r of written) if (r.done > 0) this.written(r.done, r.start)
  }

  /** Bytes `[position, position + length)` are now written to the file. */
  written(length: number, position: number): void {
    if (this.#workers.length === 0 || length === 0) return
    if (position < this.#prefix) {
      void this.dispose()
      return
    }
    let start = position
    let end = position + length
    // Join the written range that ends where this one starts, and the one that starts where it ends.
    const before = this.#byEnd.get(start)
    if (before !== undefined) {
      this.#byEnd.delete(start)
      this.#byStart.delete(before)
      start = before
    }
    const after = this.#byStart.get(end)
    if (after !== undefined) {
      this.#byStart.delete(end)
      this.#byEnd.delete(after)
      end = after
    }
    if (start === this.#prefix) {
      this.#prefix = end
      if (this.#prefix - this.#told >= STEP) this.#tell()
    } else {
      this.#byStart.set(start, end)
      this.#byEnd.set(end, start)
    }
  }

  /**
   * The digests, when the gapless prefix is exactly `total` bytes and nothing was written past it; undefined
   * otherwise (the caller reads the file). A worker that failed rejects; an abort stops them.
   */
  async result(total: number, signal?: AbortSignal): Promise<Map<string, Buffer> | undefined> {
    const workers = this.#workers
    if (workers.length === 0) {
      await this.#gone
      return undefined
    }
    if (this.#prefix !== total || this.#byStart.size > 0) {
      await this.dispose()
      return undefined
    }
    this.#tell()
    this.#workers = []
    try {
      const each = await Promise.all(workers.map((w) => w.result(signal)))
      return new Map(each.flatMap((m) => [...m]))
    } finally {
      await Promise.all(workers.map((w) => w.terminate()))
    }
  }

  /** Stop the workers, if they still run. */
  async dispose(): Promise<void> {
    const workers = this.#workers
    this.#workers = []
    if (workers.length > 0) this.#gone = Promise.all(workers.map((w) => w.terminate()))
    await this.#gone
  }

  #tell(): void {
    if (this.#prefix === this.#told) return
    this.#told = this.#prefix
    for (const w of this.#workers) w.upTo(this.#prefix)
  }
}
