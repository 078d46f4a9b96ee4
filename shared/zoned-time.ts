/**
 * Wall-clock arithmetic in a named time zone, with only `Intl` (no tz database of our own), for the renderer, main
 * and the CLI alike.
 */

/** A calendar date: month 1–12. */
export interface LocalDate {
  y: number
  m: number
  d: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** Whether `Intl` knows this zone name. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone)
    return true
  } catch {
    return false
  }
}

/** The OS time zone, as `Intl` reports it (the `TZ` environment variable under Node). */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone
}

/** The wall clock at instant `t` read as if it were UTC: its date and time of day, with the zone's offset folded in. */
export function wallTime(t: number, timeZone: string): number {
  const parts: Record<string, number> = {}
  for (const p of formatter(timeZone).formatToParts(new Date(t))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value)
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts
  return Date.UTC(year, month - 1, day, hour === 24 ? 0 : hour, minute, second)
}

/** The calendar date the wall clock shows at instant `t`. */
export function localDate(t: number, timeZone: string): LocalDate {
  const w = new Date(wallTime(t, timeZone))
  return { y: w.getUTCFullYear(), m: w.getUTCMonth() + 1, d: w.getUTCDate() }
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const w = new Date(Date.UTC(date.y, date.m - 1, date.d + days))
  return { y: w.getUTCFullYear(), m: w.getUTCMonth() + 1, d: w.getUTCDate() }
}

/** The day of the week, Monday = 0 … Sunday = 6. */
export function isoWeekday(date: LocalDate): number {
  return (new Date(Date.UTC(date.y, date.m - 1, date.d)).getUTCDay() + 6) % 7
}

const DAY_MS = 86_400_000

/**
 * The first instant at which the wall clock in `timeZone` shows `minutes` past midnight on `date`, or later.
 *
 * A time the clock shows twice (the hour repeated when summer time ends) gives the first of the two; a time it
 * skips (the hour lost when summer time begins) gives the instant of the jump, the first one past it.
 */
export function instantAt(date: LocalDate, minutes: number, timeZone: string): number {
  const wall = Date.UTC(date.y, date.m - 1, date.d, 0, minutes)
  const offset = (t: number) => wallTime(t, timeZone) - (t - (((t % 1000) + 1000) % 1000))
  // Offsets a day either side: a zone changes its offset at most once in that span.
  const before = offset(wall - DAY_MS)
  const after = offset(wall + DAY_MS)
  const exact = [wall - before, wall - after].filter((t) => wallTime(t, timeZone) === wall)
  if (exact.length > 0) return Math.min(...exact)
  // In the gap: the wall clock only moves forward between these two, so the jump is found by bisection.
  let lo = wall - Math.max(before, after)
  let hi = wall - Math.min(before, after)
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000
    if (wallTime(mid, timeZone) >= wall) hi = mid
    else lo = mid
  }
  return hi
}

/**
 * `instantAt` for many times of one date: on a day whose offset does not change (every day but two a year in most
 * zones) one offset serves all of them, which spares `Intl` a call per time.
 */
export function instantsOn(date: LocalDate, timeZone: string): (minutes: number) => number {
  const midnight = Date.UTC(date.y, date.m - 1, date.d)
  const offset = (t: number) => wallTime(t, timeZone) - (t - (((t % 1000) + 1000) % 1000))
  // Instants safely before and after the whole local day, whatever the zone's offset (at most ±14 h).
  const before = offset(midnight - 15 * 3_600_000)
  const after = offset(midnight + DAY_MS + 15 * 3_600_000)
  if (before === after) return (minutes) => midnight + minutes * 60_000 - before
  return (minutes) => instantAt(date, minutes, timeZone)
}
