import { z } from 'zod'

/** Days of the week as the schedule names them, Monday first (the ISO order). */
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export const Weekday = z.enum(weekdays)
export type Weekday = z.output<typeof Weekday>

/** A wall-clock time of day, `HH:MM` on a 24-hour clock. */
export const TimeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a time of day as HH:MM (00:00 to 23:59)' })

/** Windows a schedule may hold: enough for any week, few enough that evaluating them stays trivial. */
export const MAX_WINDOWS = 64

/** The highest rate a window may set: 1 TiB/s, as for the global limit. */
const MAX_SCHEDULE_RATE = 1024 ** 4

/** What a window does while it is open. */
export const ScheduleAction = z.discriminatedUnion('kind', [
  /** Nothing runs: running transfers stop (keeping their bytes) and queued ones wait. */
  z.strictObject({ kind: z.literal('pause-all') }),
  /** Only background transfers stop and wait; normal ones run. */
  z.strictObject({ kind: z.literal('pause-background') }),
  /** Everything runs, under this global rate (bytes per second) or the settings' own limit if lower. */
  z.strictObject({ kind: z.literal('limit'), rate: z.number().int().min(1).max(MAX_SCHEDULE_RATE) }),
])
export type ScheduleAction = z.output<typeof ScheduleAction>

/**
 * One recurring window, in the OS time zone: it opens at `start` on each listed day and closes at `end`.
 *
 * An `end` at or before `start` closes on the next day (22:00–06:00 runs overnight); `end` equal to `start` is a
 * whole day. Times the clock skips (a spring-forward gap) mean the moment it jumps past them; times it shows twice
 * (fall-back) mean the first.
 */
export const ScheduleWindow = z.strictObject({
  days: z
    .array(Weekday)
    .min(1, { error: 'a window needs at least one day' })
    .max(7)
    .refine((d) => new Set(d).size === d.length, { error: 'a day is listed twice' }),
  start: TimeOfDay,
  end: TimeOfDay,
  action: ScheduleAction,
})
export type ScheduleWindow = z.output<typeof ScheduleWindow>

/** The user's windows, in the order they listed them; overlapping ones combine, the most restrictive winning. */
export const Schedule = z.array(ScheduleWindow).max(MAX_WINDOWS)
export type Schedule = z.output<typeof Schedule>
