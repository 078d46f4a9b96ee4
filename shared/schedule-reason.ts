const DAY_MS = 86_400_000

/**
 * The row's text for a transfer the schedule holds: "paused by schedule until 07:00", with the weekday when that is
 * a day or more away, and without a time when no window ever lets it run.
 */
export function scheduleReason(until: number | null, now: number, timeZone?: string): string {
  if (until === null) return 'paused by schedule'
  const zone = timeZone === undefined ? {} : { timeZone }
  const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...zone })
  const day = new Intl.DateTimeFormat('en-GB', { weekday: 'short', ...zone })
  const when = until - now >= DAY_MS ? `${day.format(until)} ${time.format(until)}` : time.format(until)
  return `paused by schedule until ${when}`
}
