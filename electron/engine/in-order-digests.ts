import { createHash, type Hash } from 'node:crypto'

/**
 * Digests fed by the writes of a `.part` as they land, for a file downloaded once from its first byte to its
 * last (one connection): verification then needs no second read of the file. Any write that is not the next
 * byte in order (a second segment, a retried write, a resume) gives up, and the file is read afterwards instead.
 */
export class InOrderDigests {
  #hashes: Map<string, Hash> | undefined
  #next = 0

  constructor(algos: readonly string[]) {
    this.#hashes = algos.length === 0 ? undefined : new Map(algos.map((a) => [a, createHash(a)]))
  }

  /** Bytes `buf[0, length)` are now on disk at `position`. */
  written(buf: Buffer, length: number, position: number): void {
    if (!this.#hashes) return
    if (position !== this.#next) {
      this.#hashes = undefined
      return
    }
    const bytes = buf.subarray(0, length)
    for (const h of this.#hashes.values()) h.update(bytes)
    this.#next += length
  }

  /** The digests, when every one of `total` bytes was fed exactly once and in order; undefined otherwise. */
  result(total: number): Map<string, Buffer> | undefined {
    if (!this.#hashes || this.#next !== total) return undefined
    const out = new Map([...this.#hashes].map(([a, h]) => [a, h.digest()]))
    this.#hashes = undefined
    return out
  }
}
