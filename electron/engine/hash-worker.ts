import { Worker } from 'node:worker_threads'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import { fileError } from './finalize.ts'

/** What the worker posts back: progress, its digests, or a failure it caught itself. */
type FromWorker =
  | { type: 'ack'; bytes: number }
  | { type: 'digests'; digests: Record<string, Uint8Array> }
  | { type: 'failed'; code?: string; message: string }

/**
 * The worker's whole program, run from its own source text (`eval`), so the same code works from the TypeScript
 * sources, the CLI bundle and Electron's main bundle without a separate entry file to ship. It must not refer
 * to anything outside itself. With a `path` it reads that file in 1 MiB reads; without one it hashes the
 * chunks it is sent (one ArrayBuffer each) until it is sent `null`.
 */
function hashWorkerMain(): void {
  const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads')
  const { createHash } = process.getBuiltinModule('node:crypto')
  const { openSync, readSync, closeSync } = process.getBuiltinModule('node:fs')
  const port = parentPort as NonNullable<typeof parentPort>
  const { algos, path } = workerData as { algos: string[]; path?: string }
  const hashes = algos.map((a) => createHash(a))
  const done = () => {
    const digests: Record<string, Uint8Array> = {}
    algos.forEach((a, i) => (digests[a] = (hashes[i] as ReturnType<typeof createHash>).digest()))
    port.postMessage({ type: 'digests', digests })
  }
  if (path === undefined) {
    port.on('message', (chunk: ArrayBuffer | null) => {
      if (chunk === null) {
        done()
        port.close()
        return
      }
      const bytes = new Uint8Array(chunk)
      for (const h of hashes) h.update(bytes)
      port.postMessage({ type: 'ack', bytes: bytes.byteLength })
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
    const e = err as { code?: string; message?: string }
    port.postMessage({ type: 'failed', code: e.code, message: String(e.message ?? err) })
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
  #queued = 0
  #waiting: Array<() => void> = []
  #stopped = false

  /** With `path`, the worker reads and hashes that file; without, it hashes what `feed` sends it. */
  constructor(algos: readonly string[], path?: string) {
    const what = path ?? 'the download'
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { algos: [...algos], path } })
    live++
    this.#result = new Promise((resolve, reject) => {
      let digests: Map<string, Buffer> | undefined
      const fail = (err: Error) => {
        this.#stopped = true
        this.#wake()
        reject(err)
      }
      this.#worker.on('message', (m: FromWorker) => {
        if (m.type === 'ack') {
          this.#queued -= m.bytes
          if (this.#queued <= LOW_WATER) this.#wake()
        } else if (m.type === 'digests') {
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

  /**
   * Send a copy of `bytes` (the caller's buffer is reused for the next write, so it cannot be handed over; the
   * copy is, with no second copy on the way). Resolves at once, or once the worker has caught up when more than
   * HIGH_WATER bytes are waiting for it, so a slow worker cannot make the download pile up in memory.
   */
  async feed(bytes: Uint8Array): Promise<void> {
    if (this.#stopped) return
    const copy = new ArrayBuffer(bytes.byteLength)
    new Uint8Array(copy).set(bytes)
    this.#worker.postMessage(copy, [copy])
    this.#queued += bytes.byteLength
    if (this.#queued > HIGH_WATER) await new Promise<void>((resolve) => this.#waiting.push(resolve))
  }

  /** The digests; for a fed worker, once every chunk is sent. An abort terminates the worker and rejects. */
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
    this.#wake()
    await this.#worker.terminate()
  }

  #wake(): void {
    for (const w of this.#waiting.splice(0)) w()
  }
}

const HIGH_WATER = 64 * 1024 * 1024
const LOW_WATER = 16 * 1024 * 1024
