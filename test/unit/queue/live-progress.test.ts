import { describe, expect, it } from 'vitest'

import { LiveProgress } from '../../../electron/queue/live-progress.ts'

describe('LiveProgress', () => {
  it('counts from the durable bytes, clears a retry when bytes come, and keeps nothing once a transfer stops', () => {
    const p = new LiveProgress()
    p.begin(1, 1000)
    p.retry(1, { attempt: 2, maxAttempts: 5, at: 0, error: { code: 'CONNECT_REFUSED', message: 'refused' } })
    expect(p.live(1).retry).toBeDefined()
    p.bytes(1, 500)
    expect(p.live(1)).toMatchObject({ received: 1500, retry: undefined })
    expect(p.live(1).rate).toBeGreaterThan(0)
    p.end(1)
    expect(p.live(1)).toEqual({ received: undefined, rate: 0, retry: undefined })
    expect(p.received(1)).toBeUndefined()
  })
})
