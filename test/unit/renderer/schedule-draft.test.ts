import { describe, expect, it } from 'vitest'

import { draftOf, newWindow, scheduleOf, spanNote, windowProblem } from '../../../renderer/schedule-draft.ts'

describe('schedule drafts', () => {
  it('send nothing while any window has a problem, and say which', () => {
    const ok = newWindow()
    expect(windowProblem({ ...ok, days: [] })).toBe('Tick at least one day')
    expect(windowProblem({ ...ok, start: '9:00' })).toMatch(/^Start:/)
    expect(windowProblem({ ...ok, end: '24:00' })).toMatch(/^End:/)
    expect(windowProblem({ ...ok, kind: 'limit', rate: 'fast' })).toMatch(/speed/)
    expect(scheduleOf([ok, { ...ok, days: [] }])).toBeUndefined()
  })

  it('turn valid drafts into the setting and back, with rates in K and M', () => {
    const drafts = [newWindow(), { ...newWindow(), kind: 'limit' as const, rate: '500K', start: '22:00', end: '06:00' }]
    const schedule = scheduleOf(drafts)
    expect(schedule?.[1]).toEqual({
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      start: '22:00',
      end: '06:00',
      action: { kind: 'limit', rate: 500 * 1024 },
    })
    expect(schedule?.map(draftOf)).toEqual(drafts)
  })

  it('note overnight and whole-day windows', () => {
    expect(spanNote({ ...newWindow(), start: '22:00', end: '06:00' })).toBe('ends the next day')
    expect(spanNote({ ...newWindow(), start: '00:00', end: '00:00' })).toBe('all day')
    expect(spanNote(newWindow())).toBe('')
  })
})
