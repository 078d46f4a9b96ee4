import { describe, expect, it } from 'vitest'

import { Priority, priorityOf } from '../../../shared/priority.ts'

describe('priorityOf', () => {
  it('is background only for exactly that, and normal for anything else a row may carry', () => {
    expect(priorityOf({ priority: 'background' })).toBe('background')
    expect(priorityOf({ priority: 'normal' })).toBe('normal')
    for (const odd of [
      {},
      { priority: 'BACKGROUND' },
      { priority: null },
      { priority: 1 },
      { priority: ['background'] },
    ])
      expect(priorityOf(odd)).toBe('normal')
  })

  it('knows every priority the schema does', () => {
    for (const p of Priority.options) expect(priorityOf({ priority: p })).toBe(p)
  })
})
