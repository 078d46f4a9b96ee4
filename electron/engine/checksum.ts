import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'

import { PinpointError } from '../../shared/pinpoint-error.ts'

const LENGTHS = { sha256: 64, sha512: 128, sha1: 40, md5: 32 } as const
export type ChecksumAlgo = keyof typeof LENGTHS

export interface Checksum {
  algo: ChecksumAlgo
  hex: string
}

/** `sha256=<hex>` and friends; the hex must have the algorithm's length. */
export function parseChecksum(text: string): Checksum {
  const m = /^([a-z0-9]+)=([0-9a-f]+)$/i.exec(text.trim())
  const algo = m?.[1]?.toLowerCase()
  if (!m || !algo || !(algo in LENGTHS)) {
    throw new PinpointError('BAD_INPUT', `--checksum "${text}": expected sha256|sha512|sha1|md5=<hex>`)
  }
  const hex = (m[2] ?? '').toLowerCase()
  if (hex.length !== LENGTHS[algo as ChecksumAlgo]) {
    throw new PinpointError('BAD_INPUT', `--checksum "${text}": ${algo} is ${LENGTHS[algo as ChecksumAlgo]} hex digits`)
  }
  return { algo: algo as ChecksumAlgo, hex }
}

export function formatChecksum(c: Checksum): string {
  return `${c.algo}=${c.hex}`
}

/** Hash a file in 1 MiB reads; used after a segmented download, whose bytes arrive out of order. */
export async function hashFile(path: string, algo: ChecksumAlgo, signal?: AbortSignal): Promise<string> {
  const hash = createHash(algo)
  const fd = await open(path, 'r')
  try {
    const buf = Buffer.allocUnsafe(1 << 20)
    let pos = 0
    for (;;) {
      signal?.throwIfAborted()
      const { bytesRead } = await fd.read(buf, 0, buf.length, pos)
      if (bytesRead === 0) break
      hash.update(buf.subarray(0, bytesRead))
      pos += bytesRead
    }
  } finally {
    await fd.close()
  }
  return hash.digest('hex')
}
