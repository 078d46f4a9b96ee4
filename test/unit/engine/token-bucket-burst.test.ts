import { describe, expect, it } from 'vitest'

import { TokenBucket } from '../../../electron/engine/token-bucket.ts'

describe('TokenBucket burst', () => {
  it('lets a second’s worth through at once by default', () => {
    const now = 0
    const b = new TokenBucket(1000, () => now)
    expect(b.take(1000)).toBe(0)
    expect(b.take(100)).toBe(100)
  })

  it('with a short burst, makes reads wait after that much, and refills no higher after a pause', () => {
    let now = 0
    const b = new TokenBucket(1000, () => now, 0.05)
    expect(b.take(50)).toBe(0)
    expect(b.take(50)).toBe(50)
    now += 10_000
    // Ten seconds idle still allow only the burst: 50 bytes, not 10,000.
    expect(b.take(50)).toBe(0)
    expect(b.take(100)).toBe(100)
    b.setRate(2000)
    now += 10_000
    expect(b.take(100)).toBe(0)
    expect(b.take(100)).toBe(50)
  })
})
