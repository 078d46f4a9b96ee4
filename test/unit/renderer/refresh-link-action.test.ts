import { describe, expect, it } from 'vitest'

import { actionState } from '../../../renderer/action-rules.ts'
import { view } from './fake-api.ts'

const ctx = { notHere: null, sortedBy: null }

describe('"Refresh link…" in the row menu', () => {
  it('is offered for one paused or failed download', () => {
    expect(actionState('refresh-link', [view(1, { state: 'paused' })], ctx)).toEqual({ enabled: true, reason: '' })
    expect(actionState('refresh-link', [view(1, { state: 'failed' })], ctx).enabled).toBe(true)
  })

  it('is refused, with why, for a running, queued, finished or several downloads', () => {
    expect(actionState('refresh-link', [view(1, { state: 'downloading' })], ctx)).toEqual({
      enabled: false,
      reason: 'Pause it first to give it a new link',
    })
    expect(actionState('refresh-link', [view(1, { state: 'queued' })], ctx).reason).toBe(
      'Pause it first to give it a new link',
    )
    expect(actionState('refresh-link', [view(1, { state: 'completed' })], ctx).reason).toBe(
      'Only a paused or failed download can be given a new link',
    )
    expect(actionState('refresh-link', [view(1, { state: 'paused' }), view(2, { state: 'failed' })], ctx).reason).toBe(
      'Select one download to give it a new link',
    )
  })
})
