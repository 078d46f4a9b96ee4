import { formatRateText, parseRateText } from '../shared/rate.ts'
import { Schedule, TimeOfDay, type ScheduleWindow, type Weekday } from '../shared/schedule.ts'

export type WindowKind = ScheduleWindow['action']['kind']

/** One window as the editor holds it: text as typed, checked only when it is sent. */
export interface WindowDraft {
  days: Weekday[]
  start: string
  end: string
  kind: WindowKind
  rate: string
}

export const kindLabels: Record<WindowKind, string> = {
  'pause-all': 'Pause all downloads',
  'pause-background': 'Pause background downloads',
  limit: 'Limit speed to',
}

/** A new window: working hours on weekdays, everything paused. */
export const newWindow = (): WindowDraft => ({
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  start: '09:00',
  end: '17:00',
  kind: 'pause-all',
  rate: '',
})

export function draftOf(w: ScheduleWindow): WindowDraft {
  return {
    days: [...w.days],
    start: w.start,
    end: w.end,
    kind: w.action.kind,
    rate: w.action.kind === 'limit' ? formatRateText(w.action.rate) : '',
  }
}

/** Why this window cannot be saved, or '' when it can. */
export function windowProblem(d: WindowDraft): string {
  if (d.days.length === 0) return 'Tick at least one day'
  if (!TimeOfDay.safeParse(d.start).success) return 'Start: a time as HH:MM, e.g. 09:00'
  if (!TimeOfDay.safeParse(d.end).success) return 'End: a time as HH:MM, e.g. 17:00'
  if (d.kind === 'limit' && !parseRateText(d.rate)) return 'Enter a speed such as 500K or 2M'
  return ''
}

/** The drafts as the setting, or undefined while any of them has a problem. */
export function scheduleOf(drafts: readonly WindowDraft[]): Schedule | undefined {
  if (drafts.some((d) => windowProblem(d) !== '')) return undefined
  const parsed = Schedule.safeParse(
    drafts.map((d) => ({
      days: d.days,
      start: d.start,
      end: d.end,
      action: d.kind === 'limit' ? { kind: 'limit', rate: parseRateText(d.rate) } : { kind: d.kind },
    })),
  )
  return parsed.success ? parsed.data : undefined
}

/** How a window's span reads: overnight and whole-day windows say so. */
export function spanNote(d: WindowDraft): string {
  if (windowProblem(d) !== '') return ''
  if (d.start === d.end) return 'all day'
  return d.end < d.start ? 'ends the next day' : ''
}
