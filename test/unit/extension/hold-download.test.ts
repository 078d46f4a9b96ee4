import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { HOLD_MS, holdWhileHandingOff } from '../../../extension/src/hold-download.ts'

/** A hand-off the test settles when it likes. */
function handOff(): { promise: Promise<void>; settle: () => void } {
  let settle: () => void = () => {}
  const promise = new Promise<void>((resolve) => (settle = resolve))
  return { promise, settle }
}

describe('holdWhileHandingOff', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('does not hold a download with no hand-off under way', () => {
    const suggest = vi.fn()
    expect(holdWhileHandingOff(new Map())({ id: 1 }, suggest)).toBeUndefined()
    expect(suggest).not.toHaveBeenCalled()
  })

  it("holds the file name until that download's hand-off settled, then releases it once", async () => {
    const h = handOff()
    const other = handOff()
    const suggest = vi.fn()
    const listener = holdWhileHandingOff(
      new Map([
        [7, h.promise],
        [8, other.promise],
      ]),
    )
    expect(listener({ id: 7 }, suggest)).toBe(true)
    await vi.advanceTimersByTimeAsync(HOLD_MS - 1)
    other.settle()
    await vi.advanceTimersByTimeAsync(0)
    expect(suggest).not.toHaveBeenCalled()
    h.settle()
    await vi.advanceTimersByTimeAsync(0)
    expect(suggest).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(HOLD_MS)
    expect(suggest).toHaveBeenCalledTimes(1)
  })

  it('lets the browser finish after the longest hold when Pinpoint never answers, and not again later', async () => {
    const h = handOff()
    const suggest = vi.fn()
    expect(holdWhileHandingOff(new Map([[3, h.promise]]), 1_000)({ id: 3 }, suggest)).toBe(true)
    await vi.advanceTimersByTimeAsync(999)
    expect(suggest).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(suggest).toHaveBeenCalledTimes(1)
    h.settle()
    await vi.advanceTimersByTimeAsync(0)
    expect(suggest).toHaveBeenCalledTimes(1)
  })
})
