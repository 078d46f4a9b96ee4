import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { heldUntil, mayRun, scheduleAt } from '../../../shared/schedule-policy.ts'
import { scheduleReason } from '../../../shared/schedule-reason.ts'
import { Schedule, type ScheduleWindow } from '../../../shared/schedule.ts'
import { instantAt } from '../../../shared/zoned-time.ts'

const BERLIN = 'Europe/Berlin'
const at = (iso: string) => Date.parse(iso)
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())
const pauseAll = { kind: 'pause-all' } as const
const pauseBackground = { kind: 'pause-background' } as const
const limit = (rate: number) => ({ kind: 'limit', rate }) as const
const win = (days: ScheduleWindow['days'], start: string, end: string, action: ScheduleWindow['action']) =>
  Schedule.parse([{ days, start, end, action }])[0] as ScheduleWindow

describe('scheduleAt', () => {
  it('is open, for ever, without windows', () => {
    expect(scheduleAt(at('2026-12-07T10:00:00Z'), [], BERLIN)).toEqual({ pause: 'none', limitRate: null, next: null })
  })

  it('pauses inside a window and says when it closes, in the zone given', () => {
    // Monday 7 December 2026; Berlin is UTC+1 in winter.
    const rules = [win(['mon'], '09:00', '17:00', pauseAll)]
    expect(scheduleAt(at('2026-12-07T07:59:00Z'), rules, BERLIN)).toEqual({
      pause: 'none',
      limitRate: null,
      next: at('2026-12-07T08:00:00Z'),
    })
    expect(scheduleAt(at('2026-12-07T08:00:00Z'), rules, BERLIN)).toEqual({
      pause: 'all',
      limitRate: null,
      next: at('2026-12-07T16:00:00Z'),
    })
    // The same rule read in New York opens six hours later.
    expect(scheduleAt(at('2026-12-07T08:00:00Z'), rules, 'America/New_York').pause).toBe('none')
    expect(iso(scheduleAt(at('2026-12-07T08:00:00Z'), rules, 'America/New_York').next)).toBe('2026-12-07T14:00:00.000Z')
  })

  it('runs an overnight window across midnight into the next day', () => {
    const rules = [win(['fri'], '22:00', '06:00', pauseAll)]
    // Saturday 02:00 in Berlin belongs to Friday's window.
    const s = scheduleAt(at('2026-12-12T01:00:00Z'), rules, BERLIN)
    expect(s.pause).toBe('all')
    expect(iso(s.next)).toBe('2026-12-12T05:00:00.000Z')
    // Friday's window does not open on Saturday night.
    const sat = scheduleAt(at('2026-12-12T22:30:00Z'), rules, BERLIN)
    expect(sat.pause).toBe('none')
    expect(iso(sat.next)).toBe('2026-12-18T21:00:00.000Z')
  })

  it('wraps the week: Sunday night into Monday, and next week when nothing is left this week', () => {
    const rules = [win(['sun'], '23:00', '01:00', limit(1000))]
    const mon = scheduleAt(at('2026-12-06T23:30:00Z'), rules, BERLIN) // Monday 00:30 local
    expect(mon).toEqual({ pause: 'none', limitRate: 1000, next: at('2026-12-07T00:00:00Z') })
    const tue = scheduleAt(at('2026-12-08T12:00:00Z'), rules, BERLIN)
    expect(iso(tue.next)).toBe('2026-12-13T22:00:00.000Z')
  })

  it('treats a start equal to the end as the whole day', () => {
    const rules = [win(['wed'], '00:00', '00:00', pauseAll)]
    const s = scheduleAt(at('2026-12-09T12:00:00Z'), rules, BERLIN)
    expect(s.pause).toBe('all')
    expect(iso(s.next)).toBe('2026-12-09T23:00:00.000Z')
  })

  it('never changes when windows cover the whole week', () => {
    const rules = [win(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], '00:00', '00:00', pauseBackground)]
    expect(scheduleAt(at('2026-12-09T12:00:00Z'), rules, BERLIN)).toEqual({
      pause: 'background',
      limitRate: null,
      next: null,
    })
  })

  describe('Europe/Berlin on the spring-forward day (29 March 2026, 02:00 CET → 03:00 CEST)', () => {
    it('a window over the jump lasts an hour less', () => {
      const rules = [win(['sun'], '01:00', '05:00', pauseAll)]
      const s = scheduleAt(at('2026-03-29T00:00:00Z'), rules, BERLIN)
      expect(s.pause).toBe('all')
      // 05:00 CEST = 03:00Z: three real hours after 01:00 CET = 00:00Z.
      expect(iso(s.next)).toBe('2026-03-29T03:00:00.000Z')
    })

    it('a window that opens at a skipped time opens at the jump', () => {
      const rules = [win(['sun'], '02:30', '04:00', pauseAll)]
      const before = scheduleAt(at('2026-03-29T00:30:00Z'), rules, BERLIN) // 01:30 CET
      expect(iso(before.next)).toBe('2026-03-29T01:00:00.000Z') // 03:00 CEST
      expect(scheduleAt(at('2026-03-29T01:00:00Z'), rules, BERLIN).pause).toBe('all')
      expect(instantAt({ y: 2026, m: 3, d: 29 }, 150, BERLIN)).toBe(at('2026-03-29T01:00:00Z'))
    })

    it('the next day is back to whole hours in summer time', () => {
      const rules = [win(['mon'], '09:00', '10:00', pauseAll)]
      expect(iso(scheduleAt(at('2026-03-29T12:00:00Z'), rules, BERLIN).next)).toBe('2026-03-30T07:00:00.000Z')
    })
  })

  describe('Europe/Berlin on the fall-back day (25 October 2026, 03:00 CEST → 02:00 CET)', () => {
    it('a window over the repeated hour lasts an hour more', () => {
      const rules = [win(['sun'], '00:00', '06:00', pauseAll)]
      const s = scheduleAt(at('2026-10-24T22:00:00Z'), rules, BERLIN) // 00:00 CEST
      expect(s.pause).toBe('all')
      expect(iso(s.next)).toBe('2026-10-25T05:00:00.000Z') // 06:00 CET: seven hours later
    })

    it('a time shown twice means the first of the two', () => {
      const rules = [win(['sun'], '02:30', '03:30', pauseAll)]
      const s = scheduleAt(at('2026-10-25T00:00:00Z'), rules, BERLIN) // 02:00 CEST
      expect(iso(s.next)).toBe('2026-10-25T00:30:00.000Z') // 02:30 CEST
      const inside = scheduleAt(at('2026-10-25T00:30:00Z'), rules, BERLIN)
      expect(inside.pause).toBe('all')
      expect(iso(inside.next)).toBe('2026-10-25T02:30:00.000Z') // 03:30 CET
    })
  })

  it('combines overlapping windows, the most restrictive winning, and reports only real changes', () => {
    const rules = Schedule.parse([
      { days: ['tue'], start: '08:00', end: '18:00', action: limit(1_000_000) },
      { days: ['tue'], start: '12:00', end: '14:00', action: limit(500_000) },
      { days: ['tue'], start: '13:00', end: '15:00', action: pauseBackground },
      { days: ['tue'], start: '13:30', end: '13:45', action: pauseAll },
      { days: ['tue'], start: '13:35', end: '13:40', action: pauseBackground },
    ])
    // Tuesday 8 December 2026, Berlin = UTC+1.
    expect(scheduleAt(at('2026-12-08T11:15:00Z'), rules, BERLIN)).toEqual({
      pause: 'none',
      limitRate: 500_000,
      next: at('2026-12-08T12:00:00Z'),
    })
    expect(scheduleAt(at('2026-12-08T12:00:00Z'), rules, BERLIN)).toEqual({
      pause: 'background',
      limitRate: 500_000,
      next: at('2026-12-08T12:30:00Z'),
    })
    // The pause-background window inside the pause-all one changes nothing: the next change is at 13:45.
    expect(scheduleAt(at('2026-12-08T12:30:00Z'), rules, BERLIN)).toEqual({
      pause: 'all',
      limitRate: 500_000,
      next: at('2026-12-08T12:45:00Z'),
    })
    expect(scheduleAt(at('2026-12-08T13:00:00Z'), rules, BERLIN)).toEqual({
      pause: 'background',
      limitRate: 1_000_000,
      next: at('2026-12-08T14:00:00Z'),
    })
  })

  it('holds, for any instant and rules, the same policy until `next` and another one at it', () => {
    const time = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
    const hhmm = ([h, m]: [number, number]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`
    const window = fc.record({
      days: fc.uniqueArray(fc.constantFrom('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'), {
        minLength: 1,
        maxLength: 7,
      }),
      start: time.map(hhmm),
      end: time.map(hhmm),
      action: fc.oneof(
        fc.constant(pauseAll),
        fc.constant(pauseBackground),
        fc.integer({ min: 1, max: 4 }).map((n) => limit(n * 1000)),
      ),
    })
    // Spans both of 2026's Berlin DST changes.
    const now = fc.integer({ min: at('2026-03-20T00:00:00Z'), max: at('2026-11-01T00:00:00Z') })
    fc.assert(
      fc.property(fc.array(window, { maxLength: 4 }), now, (raw, t) => {
        const rules = Schedule.parse(raw)
        const s = scheduleAt(t, rules, BERLIN)
        if (s.next === null) return
        expect(s.next).toBeGreaterThan(t)
        const { next: _n, ...policy } = s
        const { next: _m, ...justBefore } = scheduleAt(s.next - 1, rules, BERLIN)
        const { next: _o, ...atNext } = scheduleAt(s.next, rules, BERLIN)
        expect(justBefore).toEqual(policy)
        expect(atNext).not.toEqual(policy)
      }),
      { numRuns: 150 },
    )
  })
})

describe('mayRun and heldUntil', () => {
  const rules = Schedule.parse([
    { days: ['thu'], start: '08:00', end: '10:00', action: pauseAll },
    { days: ['thu'], start: '09:00', end: '12:00', action: pauseBackground },
  ])
  const nine = at('2026-12-10T08:00:00Z') // Thursday 09:00 in Berlin

  it('lets normal transfers run when only background ones are paused', () => {
    expect(mayRun({ pause: 'none' }, 'background')).toBe(true)
    expect(mayRun({ pause: 'background' }, 'normal')).toBe(true)
    expect(mayRun({ pause: 'background' }, 'background')).toBe(false)
    expect(mayRun({ pause: 'all' }, 'normal')).toBe(false)
  })

  it('gives each priority the instant it may run again', () => {
    expect(iso(heldUntil(nine, rules, BERLIN, 'normal'))).toBe('2026-12-10T09:00:00.000Z')
    expect(iso(heldUntil(nine, rules, BERLIN, 'background'))).toBe('2026-12-10T11:00:00.000Z')
  })
})

describe('scheduleReason', () => {
  it('says until when, in the zone given, with the day when it is a day or more away', () => {
    const now = at('2026-12-10T08:00:00Z')
    expect(scheduleReason(at('2026-12-10T06:00:00Z') + 86_400_000, now, BERLIN)).toBe('paused by schedule until 07:00')
    expect(scheduleReason(at('2026-12-14T06:00:00Z'), now, BERLIN)).toBe('paused by schedule until Mon 07:00')
    expect(scheduleReason(null, now, BERLIN)).toBe('paused by schedule')
  })
})

describe('Schedule', () => {
  it('refuses bad times, no days, repeated days and a zero rate', () => {
    const ok = { days: ['mon'], start: '09:00', end: '17:00', action: pauseAll }
    expect(Schedule.safeParse([ok]).success).toBe(true)
    expect(Schedule.safeParse([{ ...ok, start: '24:00' }]).success).toBe(false)
    expect(Schedule.safeParse([{ ...ok, end: '9:00' }]).success).toBe(false)
    expect(Schedule.safeParse([{ ...ok, days: [] }]).success).toBe(false)
    expect(Schedule.safeParse([{ ...ok, days: ['mon', 'mon'] }]).success).toBe(false)
    expect(Schedule.safeParse([{ ...ok, action: limit(0) }]).success).toBe(false)
  })
})
