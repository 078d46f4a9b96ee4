import { formatRateText, parseRate } from '../../shared/rate.ts'
import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'
import { Schedule, ScheduleWindow, weekdays, type ScheduleAction, type Weekday } from '../../shared/schedule.ts'
import { settingFields } from '../../shared/settings.ts'
import { openStore } from '../store/open-store.ts'
import { connectControl } from './control-client.ts'
import type { CliIo } from './io.ts'
import { stateDirOf } from './open-engine.ts'

export interface ScheduleFlags {
  stateDir?: string
  json?: boolean
}

export interface ScheduleAddFlags extends ScheduleFlags {
  days: string
  from: string
  to: string
  pauseAll?: boolean
  pauseBackground?: boolean
  limit?: string
}

/** `pinpoint schedule ls`: the saved windows, numbered as `rm` takes them. Reads without taking the lock. */
export async function scheduleLs(flags: ScheduleFlags, io: CliIo): Promise<number> {
  const windows = readSchedule(stateDirOf(flags, io))
  if (flags.json) io.stdout(`${JSON.stringify(windows)}\n`)
  else if (windows.length === 0) io.stdout('no schedule windows: downloads run at any time\n')
  else windows.forEach((w, i) => io.stdout(`${String(i + 1).padStart(3)}  ${describeWindow(w)}\n`))
  return 0
}

/** `pinpoint schedule add`: one more window, saved where the app, `serve` and `get` read it. */
export async function scheduleAdd(flags: ScheduleAddFlags, io: CliIo): Promise<number> {
  const parsed = ScheduleWindow.safeParse({
    days: parseDays(flags.days),
    start: flags.from,
    end: flags.to,
    action: actionOf(flags),
  })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new PinpointError('BAD_INPUT', `schedule add: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`)
  }
  const dir = stateDirOf(flags, io)
  const next = [...readSchedule(dir), parsed.data]
  await saveSchedule(dir, next)
  io.stdout(`${String(next.length).padStart(3)}  ${describeWindow(parsed.data)}\n`)
  return 0
}

/** `pinpoint schedule rm <n>`: drop the window `ls` numbers `n`. */
export async function scheduleRm(n: string, flags: ScheduleFlags, io: CliIo): Promise<number> {
  const dir = stateDirOf(flags, io)
  const windows = readSchedule(dir)
  const index = Number(n) - 1
  if (!Number.isInteger(index) || index < 0 || index >= windows.length) {
    throw new PinpointError('BAD_INPUT', `schedule rm ${n}: expected a window number from pinpoint schedule ls`)
  }
  await saveSchedule(
    dir,
    windows.filter((_, i) => i !== index),
  )
  return 0
}

function readSchedule(stateDir: string): Schedule {
  const store = openStore({ dir: stateDir, readOnly: true })
  try {
    const saved = settingFields.schedule.safeParse(store.settings.get('schedule'))
    return saved.success ? saved.data : []
  } finally {
    store.close()
  }
}

/**
 * Save through the process that holds the folder when one does (the app or `serve`, so it applies the change and
 * its windows show it at once), else straight into the store.
 */
async function saveSchedule(stateDir: string, schedule: Schedule): Promise<void> {
  let store
  try {
    store = openStore({ dir: stateDir })
  } catch (err) {
    if (!isPinpointError(err) || err.code !== 'STATE_LOCKED') throw err
    const client = await connectControl(stateDir)
    if (!client) throw err
    try {
      await client.request('settings:update', { schedule })
    } finally {
      client.close()
    }
    return
  }
  try {
    store.settings.set('schedule', schedule)
  } finally {
    store.close()
  }
}

/** `mon-fri`, `sat,sun`, `mon,wed-fri` or `all`. */
function parseDays(text: string): Weekday[] {
  if (text.trim().toLowerCase() === 'all') return [...weekdays]
  const days = new Set<Weekday>()
  for (const part of text.toLowerCase().split(',')) {
    const [a, b = a] = part.trim().split('-')
    const from = weekdays.indexOf(a as Weekday)
    const to = weekdays.indexOf(b as Weekday)
    if (from < 0 || to < 0 || to < from) {
      throw new PinpointError('BAD_INPUT', `--days "${text}": expected days such as mon-fri, sat,sun or all`)
    }
    for (let i = from; i <= to; i++) days.add(weekdays[i] as Weekday)
  }
  return weekdays.filter((d) => days.has(d))
}

function actionOf(flags: ScheduleAddFlags): ScheduleAction {
  const given = [flags.pauseAll, flags.pauseBackground, flags.limit !== undefined].filter(Boolean).length
  if (given !== 1) {
    throw new PinpointError('BAD_INPUT', 'schedule add: give one of --pause-all, --pause-background or --limit RATE')
  }
  if (flags.pauseAll) return { kind: 'pause-all' }
  if (flags.pauseBackground) return { kind: 'pause-background' }
  const rate = parseRate(flags.limit ?? '')
  if (rate === undefined)
    throw new PinpointError('BAD_INPUT', `--limit "${flags.limit}": expected a rate such as 500K or 2M`)
  return { kind: 'limit', rate }
}

export function describeWindow(w: ScheduleWindow): string {
  const what =
    w.action.kind === 'pause-all'
      ? 'pause all'
      : w.action.kind === 'pause-background'
        ? 'pause background'
        : `limit ${formatRateText(w.action.rate)}`
  return `${w.days.join(',')}  ${w.start}-${w.end}  ${what}`
}
