import type { Priority } from './priority.ts'
import { weekdays, type Schedule, type ScheduleAction } from './schedule.ts'
import { addDays, instantsOn, isoWeekday, localDate, type LocalDate } from './zoned-time.ts'

/** What a schedule pauses: nothing, background transfers only, or everything. */
export type PauseLevel = 'none' | 'background' | 'all'

/** What the schedule asks of the queue at one instant. */
export interface SchedulePolicy {
  pause: PauseLevel
  /** The global rate in bytes per second while a limit window is open; null when none is. */
  limitRate: number | null
}

export interface ScheduleState extends SchedulePolicy {
  /** The next instant the policy changes (ms since the epoch); null when it never does. */
  next: number | null
}

/** One opening of a window: [start, end) in ms since the epoch. */
interface Occurrence {
  start: number
  end: number
  action: ScheduleAction
}

const HORIZON_MS = 8 * 86_400_000
const open: SchedulePolicy = { pause: 'none', limitRate: null }
const LEVEL: Record<PauseLevel, number> = { none: 0, background: 1, all: 2 }

/**
 * Occurrences from two days before `now` to nine after: every one open at `now` and every one that touches the
 * next `HORIZON_MS`. Windows repeat weekly, so a policy that holds for that long holds for ever.
 */
function occurrences(now: number, schedule: Schedule, timeZone: string): Occurrence[] {
  const today = localDate(now, timeZone)
  const days = new Map<number, (minutes: number) => number>()
  const on = (date: LocalDate) => {
    const key = Date.UTC(date.y, date.m - 1, date.d)
    let f = days.get(key)
    if (!f) days.set(key, (f = instantsOn(date, timeZone)))
    return f
  }
  const out: Occurrence[] = []
  for (let k = -2; k <= 9; k++) {
    const date = addDays(today, k)
    const day = weekdays[isoWeekday(date)]
    for (const w of schedule) {
      if (day === undefined || !w.days.includes(day)) continue
      const from = minutesOf(w.start)
      const to = minutesOf(w.end)
      const start = on(date)(from)
      // An end at or before the start is on the next day; equal to it, a whole day.
      const end = to > from ? on(date)(to) : on(addDays(date, 1))(to)
      if (end > start) out.push({ start, end, action: w.action })
    }
  }
  return out
}

function minutesOf(time: string): number {
  const [h = 0, m = 0] = time.split(':').map(Number)
  return h * 60 + m
}

/** The most restrictive of the open windows: the highest pause level and the lowest rate. */
function combine(t: number, occs: readonly Occurrence[]): SchedulePolicy {
  let pause: PauseLevel = 'none'
  let limitRate: number | null = null
  for (const o of occs) {
    if (t < o.start || t >= o.end) continue
    const a = o.action
    if (a.kind === 'limit') limitRate = limitRate === null ? a.rate : Math.min(limitRate, a.rate)
    else {
      const level = a.kind === 'pause-all' ? 'all' : 'background'
      if (LEVEL[level] > LEVEL[pause]) pause = level
    }
  }
  return { pause, limitRate }
}

const same = (a: SchedulePolicy, b: SchedulePolicy) => a.pause === b.pause && a.limitRate === b.limitRate

/** The instants within the horizon after `now` where some window opens or closes, in order. */
function boundaries(now: number, occs: readonly Occurrence[]): number[] {
  const set = new Set<number>()
  const within = (t: number) => t > now && t <= now + HORIZON_MS
  for (const o of occs) {
    if (within(o.start)) set.add(o.start)
    if (within(o.end)) set.add(o.end)
  }
  return [...set].sort((a, b) => a - b)
}

/**
 * The schedule's policy at `now` and the next instant it changes, the windows read in `timeZone`.
 *
 * A plain function of its inputs: the queue's timer sleeps until `next` and asks again, and asks again after a
 * wake or a clock jump too, so a missed instant only delays the change until then.
 */
export function scheduleAt(now: number, schedule: Schedule, timeZone: string): ScheduleState {
  if (schedule.length === 0) return { ...open, next: null }
  const occs = occurrences(now, schedule, timeZone)
  const current = combine(now, occs)
  const next = boundaries(now, occs).find((t) => !same(combine(t, occs), current)) ?? null
  return { ...current, next }
}

/** Whether a transfer of this priority may run under `policy`. */
export function mayRun(policy: Pick<SchedulePolicy, 'pause'>, priority: Priority): boolean {
  return policy.pause === 'none' || (policy.pause === 'background' && priority === 'normal')
}

/**
 * When a transfer of `priority`, held at `now`, may run again: the first instant the schedule lets it; null when it
 * never does (a window that never closes).
 */
export function heldUntil(now: number, schedule: Schedule, timeZone: string, priority: Priority): number | null {
  const occs = occurrences(now, schedule, timeZone)
  return boundaries(now, occs).find((t) => mayRun(combine(t, occs), priority)) ?? null
}
