import { closeSync, openSync } from 'node:fs'
import type { Worker } from 'node:worker_threads'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import { fileError } from './finalize.ts'

/** What the worker posts back: its digests, or a failure it caught itself. */
type FromWorker =
  { type: 'digests'; digests: Record<string, Uint8Array> } | { type: 'failed'; code?: string; message: string }

/**
 * The worker's whole program, run from its own source text (`eval`), so the same code works from the TypeScript
 * sources, the CLI bundle and Electron's main bundle without a separate entry file to ship. It must not refer
 * to anything outside itself. With a `path` it reads that whole file in 1 MiB reads; with an `fd` it reads
 * that file only up to the offset it was last sent (a number), as the file is written, until it is sent `null`.
 */
function hashWorkerMain(): void {
  const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads')
  const { createHash } = process.getBuiltinModule('node:crypto')
  const { openSync, readSync, closeSync } = process.getBuiltinModule('node:fs')
  const port = parentPort as NonNullable<typeof parentPort>
  const { algos, path, fd: followed } = workerData as { algos: string[]; path: string; fd?: number }
  const hashes = algos.map((a) => createHash(a))
  const done = () => {
    const digests: Record<string, Uint8Array> = {}
    algos.forEach((a, i) => (digests[a] = (hashes[i] as ReturnType<typeof createHash>).digest()))
    port.postMessage({ type: 'digests', digests })
  }
  const failed = (err: unknown) => {
    const e = err as { code?: string; message?: string }
    port.postMessage({ type: 'failed', code: e.code, message: String(e.message ?? err) })
  }
  if (followed !== undefined) {
    // Each number is how far the file is now written without a gap; the reads hit the page cache just filled.
    // The descriptor is the parent's to close: a terminated worker runs no cleanup of its own.
    const fd = followed
    let at = 0
    const buf = Buffer.allocUnsafe(1 << 20)
    port.on('message', (upTo: number | null) => {
      try {
        if (upTo === null) {
          done()
          port.close()
          return
        }
        while (at < upTo) {
          const n = readSync(fd, buf, 0, Math.min(buf.length, upTo - at), at)
          if (n === 0) throw new Error(`the file ended at byte ${at}, before ${upTo}`)
          const chunk = buf.subarray(0, n)
          for (const h of hashes) h.update(chunk)
          at += n
        }
      } catch (err) {
        failed(err)
        port.close()
      }
    })
    return
  }
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    const buf = Buffer.allocUnsafe(1 << 20)
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) {
      const chunk = buf.subarray(0, n)
      for (const h of hashes) h.update(chunk)
    }
  } catch (err) {
    failed(err)
    return
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
  done()
}

const WORKER_SOURCE = `(${hashWorkerMain.toString()})()`

let live = 0
/** How many hashing workers are running now: a cancelled or finished transfer leaves none behind. */
export function liveHashWorkers(): number {
  return live
}

/**
 * Digests computed on a worker thread, so hashing a large file (BLAKE2b-512 alone is about a CPU second per GiB)
 * never holds up the main thread's network reads, writes and IPC. Every way the worker can end — its digests,
 * a read error (FILE_ERROR), a crash or an exit before its answer (INTERNAL), `terminate()` — settles `result`.
 */
export class HashWorker {
  readonly #worker: Worker
  readonly #result: Promise<Map<string, Buffer>>
  #stopped = false

  /**
   * The worker reads and hashes the file at `path`: the whole of it, or with `follow` only as far as `upTo` says
   * it is written (the file is opened here, so a missing one throws FILE_ERROR at once).
   */
  constructor(algos: readonly string[], path: string, follow = false) {
    const what = path
    let fd: number | undefined
    if (follow) {
      try {
        fd = openSync(path, 'r')
      } catch (err) {
        throw fileError(err, path)
      }
    }
    // node:worker_threads is loaded at the first verification, not at every start (about 6 ms).
    const { Worker: WorkerThread } = process.getBuiltinModule('node:worker_threads')
    this.#worker = new WorkerThread(WORKER_SOURCE, {
      eval: true,
      workerData: { algos: [...algos], ...(fd === undefined ? { path } : { fd }) },
    })
    live++
    this.#result = new Promise((resolve, reject) => {
      let digests: Map<string, Buffer> | undefined
      const fail = (err: Error) => {
        this.#stopped = true
        reject(err)
      }
      this.#worker.on('message', (m: FromWorker) => {
        if (m.type === 'digests') {
          this.#stopped = true
          digests = new Map(Object.entries(m.digests).map(([a, d]) => [a, Buffer.from(d)]))
        } else if (m.code !== undefined) {
          fail(fileError(Object.assign(new Error(m.message), { code: m.code }), what))
        } else {
          fail(new PinpointError('INTERNAL', `hashing ${what} failed: ${m.message}`))
        }
      })
      this.#worker.on('error', (err) => fail(new PinpointError('INTERNAL', `hashing ${what} failed: ${err.message}`)))
      // Settled only once the thread is gone, so a finished hash leaves nothing running. Messages posted before
      // the exit are delivered before it.
      this.#worker.on('exit', (code) => {
        live--
        if (fd !== undefined) closeSync(fd)
        if (digests) resolve(digests)
        else
          fail(
            new PinpointError('INTERNAL', `the worker hashing ${what} stopped (exit code ${code}) without its digests`),
          )
      })
    })
    // Observed through result(); a failure nobody asked for yet must not become an unhandled rejection.
    this.#result.catch(() => {})
  }

  /** For a following worker: bytes `[0, offset)` of its file are written and may be read and hashed. */
  upTo(offset: number): void {
    if (!this.#stopped) this.#worker.postMessage(offset)
  }

  /** The digests; a following worker reads up to the last `upTo` first. An abort terminates it and rejects. */
  async result(signal?: AbortSignal): Promise<Map<string, Buffer>> {
    if (!this.#stopped) this.#worker.postMessage(null)
    if (!signal) return this.#result
    signal.throwIfAborted()
    const aborted = new Promise<never>((_, reject) => {
      const onAbort = () => {
        void this.terminate()
        reject(signal.reason)
      }
      signal.addEventListener('abort', onAbort, { once: true })
      void this.#result.finally(() => signal.removeEventListener('abort', onAbort)).catch(() => {})
    })
    return Promise.race([this.#result, aborted])
  }

  /** Stop the worker now (a cancelled or failed transfer); resolves once its thread is gone. */
  async terminate(): Promise<void> {
    this.#stopped = true
    await this.#worker.terminate()
  }
}
