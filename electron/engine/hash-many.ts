import { createHash, type Hash } from 'node:crypto'
import { open, type FileHandle } from 'node:fs/promises'

import { HashWorker } from './hash-worker.ts'

/**
 * Several digests of one file: a `--checksum`, a sums file's line and a minisign prehash each need the whole
 * file. Each digest gets its own worker thread reading the file (just written, so from the page cache), so the
 * wall time is that of the slowest digest rather than their sum, and the main thread stays free for the other
 * downloads. A read error is FILE_ERROR, a failed worker INTERNAL; an abort stops every worker.
 */
export async function hashFileMany(
  path: string,
  algos: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, Buffer>> {
  if (algos.length === 0) return new Map()
  signal?.throwIfAborted()
  const workers = algos.map((a) => new HashWorker([a], path))
  try {
    const each = await Promise.all(workers.map((w) => w.result(signal)))
    return new Map(each.flatMap((m) => [...m]))
  } finally {
    // After a failure or an abort the others must not keep reading; after success they have already ended.
    await Promise.all(workers.map((w) => w.terminate()))
  }
}

/**
 * The file as a stream for a consumer that must see the bytes themselves (OpenPGP hashes with the signature's
 * own trailer), with `algos` fed from the same reads: one pass over the file serves both. Pull-based, so a slow
 * consumer never makes it buffer the file. `digests()` only after the stream was read to its end; `close()`
 * releases the file if the consumer stopped early.
 */
export function hashingStream(
  path: string,
  algos: readonly string[],
  signal?: AbortSignal,
): { stream: ReadableStream<Uint8Array>; digests(): Map<string, Buffer>; close(): Promise<void> } {
  const hashes = new Map<string, Hash>(algos.map((a) => [a, createHash(a)]))
  let fd: FileHandle | undefined
  let pos = 0
  let ended = false
  const close = async () => {
    const open = fd
    fd = undefined
    await open?.close().catch(() => {})
  }
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        signal?.throwIfAborted()
        fd ??= await open(path, 'r')
        // A fresh buffer per read: the consumer may hold the chunk after this returns.
        const buf = Buffer.allocUnsafe(1 << 20)
        const { bytesRead } = await fd.read(buf, 0, buf.length, pos)
        if (bytesRead === 0) {
          ended = true
          await close()
          controller.close()
          return
        }
        const chunk = buf.subarray(0, bytesRead)
        for (const h of hashes.values()) h.update(chunk)
        pos += bytesRead
        controller.enqueue(chunk)
      } catch (err) {
        await close()
        controller.error(err)
      }
    },
    cancel: close,
  })
  return {
    stream,
    digests() {
      if (!ended) throw new Error('hashingStream: digests asked for before the file was read to its end')
      return new Map([...hashes].map(([a, h]) => [a, h.digest()]))
    },
    close,
  }
}
