import { HashWorker } from './hash-worker.ts'

/**
 * Digests fed by the writes of a `.part` as they land, for a file downloaded once from its first byte to its
 * last (one connection): verification then needs no second read of the file. Any write that is not the next
 * byte in order (a second segment, a retried write, a resume) gives up, and the file is read afterwards instead.
 * The hashing runs on a worker thread; `dispose` (the `.part` being closed) stops it whatever happened.
 */
export class InOrderDigests {
  #worker: HashWorker | undefined
  #next = 0

  constructor(algos: readonly string[]) {
    this.#worker = algos.length === 0 ? undefined : new HashWorker(algos)
  }

  /** Bytes `buf[0, length)` are now on disk at `position`; resolves when the worker is not too far behind. */
  written(buf: Buffer, length: number, position: number): Promise<void> | undefined {
    if (!this.#worker) return undefined
    if (position !== this.#next) {
      void this.dispose()
      return undefined
    }
    this.#next += length
    return this.#worker.feed(buf.subarray(0, length))
  }

  /**
   * The digests, when every one of `total` bytes was fed exactly once and in order; undefined otherwise. A worker
   * that failed rejects (INTERNAL); an abort stops it.
   */
  async result(total: number, signal?: AbortSignal): Promise<Map<string, Buffer> | undefined> {
    const worker = this.#worker
    this.#worker = undefined
    if (!worker) return undefined
    if (this.#next !== total) {
      await worker.terminate()
      return undefined
    }
    return worker.result(signal)
  }

  /** Stop the worker, if it still runs. */
  async dispose(): Promise<void> {
    const worker = this.#worker
    this.#worker = undefined
    await worker?.terminate()
  }
}
