import { describe, expect, it } from 'vitest'

import { BackgroundReason, type BackgroundStatus } from '../../../shared/priority.ts'
import { backgroundLine } from '../../../renderer/priority-words.ts'

describe('backgroundLine', () => {
  it('says in words why the background rate is what it is, for every reason the controller gives', () => {
    const status: BackgroundStatus = {
      rate: 400_000,
      reason: 'holding',
      active: 1,
      baseDelayMs: 0.4,
      queuingDelayMs: 0.1,
      targetMs: 5,
      floor: 32 * 1024,
    }
    expect(backgroundLine(status).reason).toBe('holding: just under what the link carries, so its queue stays empty')
    expect(backgroundLine({ ...status, reason: 'reaching' }).reason).toMatch(/^reaching: briefly above it/)
    const words = BackgroundReason.options.map((reason) => backgroundLine({ ...status, reason }).reason)
    expect(new Set(words).size).toBe(BackgroundReason.options.length)
  })
})
