import { createHash } from 'node:crypto'

import { describe, expect, it } from 'vitest'

import { InOrderDigests } from '../../../electron/engine/in-order-digests.ts'

const bytes = Buffer.from('0123456789abcdef'.repeat(1000))
const sha = (b: Buffer, algo = 'sha256') => createHash(algo).update(b).digest('hex')

describe('digests fed by in-order writes', () => {
  it('equals the digest of the whole file when every byte came once and in order', async () => {
    const d = new InOrderDigests(['sha256', 'blake2b512'])
    // The batch buffers are reused: only `length` bytes of each count.
    const batch = Buffer.alloc(7000)
    for (let at = 0; at < bytes.length; at += 7000) {
      const n = bytes.copy(batch, 0, at, at + 7000)
      await d.written(batch, n, at)
    }
    const got = await d.result(bytes.length)
    expect(got?.get('sha256')?.toString('hex')).toBe(sha(bytes))
    expect(got?.get('blake2b512')?.toString('hex')).toBe(sha(bytes, 'blake2b512'))
  })

  it('gives up on a write out of order, a gap, or a short file, so the file is read instead', async () => {
    const swapped = new InOrderDigests(['sha256'])
    await swapped.written(bytes.subarray(8000), 8000, 8000)
    await swapped.written(bytes, 8000, 0)
    expect(await swapped.result(bytes.length)).toBeUndefined()
    const short = new InOrderDigests(['sha256'])
    await short.written(bytes, 8000, 0)
    expect(await short.result(bytes.length)).toBeUndefined()
    expect(await new InOrderDigests([]).result(0)).toBeUndefined()
  })
})
