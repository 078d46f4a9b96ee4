import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { ScheduleGate, type ScheduleClock } from '../../../electron/queue/schedule-gate.ts'
import type { ScheduleState } from '../../../shared/schedule-policy.ts'
import { Schedule } from '../../../shared/schedule.ts'

// Fake timers drive both the gate's timers and `Date.now()`; the wall clock the gate reads is that plus `jump`, a
// clock set by hand, while its monotonic clock is the fake time alone.
const BERLIN = 'Europe/Berlin'
const HOUR = 3_600_000
let jump = 0
const clock: ScheduleClock = { now: () => Date.now() + jump, monotonic: () => Date.now() }
let gate: ScheduleGate | undefined

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
  vi.setSystemTime(Date.parse('2026-12-07T05:00:00Z')) // Monday 06:00 in Berlin
  jump = 0
})
afterEach(() => {
  gate?.dispose()
  gate = undefined
  vi.useRealTimers()
})

const rules = Schedule.parse([
  { days: ['mon'], start: '09:00', end: '17:00', action: { kind: 'pause-all' } },
  { days: ['mon'], start: '09:00', end: '18:00', action: { kind: 'pause-background' } },
])

function start(): { changes: ScheduleState[]; reads: () => number } {
  const changes: ScheduleState[] = []
  let reads = 0
  gate = new ScheduleGate({
    rules: () => {
      reads++
      return rules
    },
    timeZone: () => BERLIN,
    clock,
    jumpCheckMs: 60_000,
    onChange: (s) => changes.push(s),
  })
  return { changes, reads: () => reads }
}

describe('ScheduleGate', () => {
  it('with no windows, never asks for the time zone (reading it costs a start-up its ICU data); with windows, does', () => {
    let asked = 0
    let windows = Schedule.parse([])
    gate = new ScheduleGate({
      rules: () => windows,
      timeZone: () => {
        asked++
        return BERLIN
      },
      clock,
      onChange: () => {},
    })
    expect(gate.state()).toEqual({ pause: 'none', limitRate: null, next: null })
    expect(asked).toBe(0)
    windows = rules
    vi.setSystemTime(Date.parse('2026-12-07T09:00:00Z')) // 10:00 in Berlin: inside both windows
    gate.refresh()
    expect(asked).toBe(1)
    expect(gate.state().pause).toBe('all')
  })

  it('evaluates once per change, at the next-change instant, not on a poll', () => {
    const { changes, reads } = start()
    expect(gate?.state().pause).toBe('none')
    vi.advanceTimersByTime(3 * HOUR - 1)
    expect(reads()).toBe(1)
    expect(changes).toEqual([])
    vi.advanceTimersByTime(1) // 09:00 in Berlin
    expect(reads()).toBe(2)
    expect(changes.map((c) => c.pause)).toEqual(['all'])
    expect(gate?.heldUntil('normal')).toBe(Date.parse('2026-12-07T16:00:00Z'))
    expect(gate?.heldUntil('background')).toBe(Date.parse('2026-12-07T17:00:00Z'))
    vi.advanceTimersByTime(8 * HOUR)
    expect(changes.map((c) => c.pause)).toEqual(['all', 'background'])
    expect(gate?.heldUntil('normal')).toBeNull()
  })

  it('notices a wall clock set forward into a window at its coarse check', () => {
    const { changes } = start()
    jump = 4 * HOUR // 10:00 in Berlin, though no time passed for the timers
    vi.advanceTimersByTime(60_000)
    expect(changes.map((c) => c.pause)).toEqual(['all'])
  })

  it('a wake past the end of a window lets go at once when told (refresh)', () => {
    const { changes } = start()
    jump = 4 * HOUR
    gate?.refresh()
    expect(changes.map((c) => c.pause)).toEqual(['all'])
    jump = 11 * HOUR // 17:00: the pause-all window has ended while "asleep"
    gate?.refresh()
    expect(changes.map((c) => c.pause)).toEqual(['all', 'background'])
    // A wake inside the same window keeps it and tells nobody.
    jump += 60_000
    gate?.refresh()
    expect(changes).toHaveLength(2)
  })
})
