import { createHash, type Hash } from 'node:crypto'
import { open } from 'node:fs/promises'

/**
 * Several digests of one file in a single read: a `--checksum`, a sums file's line and a minisign prehash
 * each need the whole file, and reading a large one once instead of three times is most of the cost of
 * verifying it. 1 MiB reads, as hashFile does.
 */
export async function hashFileMany(
  path: string,
  algos: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, Buffer>> {
  const hashes = new Map<string, Hash>(algos.map((a) => [a, createHash(a)]))
  if (hashes.size > 0) {
    const fd = await open(path, 'r')
    try {
      const buf = Buffer.allocUnsafe(1 << 20)
      for (let pos = 0; ;) {
        signal?.throwIfAborted()
        const { bytesRead } = await fd.read(buf, 0, buf.length, pos)
        if (bytesRead === 0) break
        const chunk = buf.subarray(0, bytesRead)
        for (const h of hashes.values()) h.update(chunk)
        pos += bytesRead
      }
    } finally {
      await fd.close()
    }
  }
  return new Map([...hashes].map(([a, h]) => [a, h.digest()]))
}
