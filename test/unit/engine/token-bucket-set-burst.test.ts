import { describe, expect, it } from 'vitest'

import { TokenBucket } from '../../../electron/engine/token-bucket.ts'

describe('TokenBucket.setBurst', () => {
  it('changes how much goes through at once after a pause, and drops tokens above the new burst', () => {
    let now = 0
    const b = new TokenBucket(1000, () => now, 0.01)
    now += 10_000
    // Ten bytes' worth at 10 ms.
    expect(b.take(10)).toBe(0)
    expect(b.take(10)).toBe(10)
    b.setBurst(0.5)
    now += 10_000
    expect(b.take(500)).toBe(0)
    expect(b.take(10)).toBe(10)
    now += 10_000
    // Back to a short burst: the full bucket is cut down to it at once.
    b.setBurst(0.02)
    expect(b.take(20)).toBe(0)
    expect(b.take(10)).toBe(10)
  })
})
