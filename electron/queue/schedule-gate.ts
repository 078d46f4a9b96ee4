import type { Priority } from '../../shared/priority.ts'
import { heldUntil, scheduleAt, type ScheduleState } from '../../shared/schedule-policy.ts'
import type { Schedule } from '../../shared/schedule.ts'
import { systemTimeZone } from '../../shared/zoned-time.ts'

/** Wall-clock time for the schedule, and a monotonic one to notice when the wall clock jumps. */
export interface ScheduleClock {
  /** Milliseconds since the epoch, as the schedule's windows are read. */
  now(): number
  /** A clock that only moves forward at a steady pace (ms), whatever the wall clock does. */
  monotonic(): number
}

export const systemClock: ScheduleClock = { now: () => Date.now(), monotonic: () => performance.now() }

export interface ScheduleGateOptions {
  /** The user's windows, read again at every evaluation (the settings store). */
  rules: () => Schedule
  /** The zone the windows are read in; the OS's, asked again at every evaluation, by default. */
  timeZone?: () => string
  clock?: ScheduleClock
  /** How often the wall clock is compared with the monotonic one. */
  jumpCheckMs?: number
  /** A wall clock that drifted from the monotonic one by more than this has been set or has jumped. */
  jumpToleranceMs?: number
  /** Called when the policy, or when a held transfer may run again, changes. */
  onChange: (state: ScheduleState) => void
}

/** setTimeout's longest delay; a longer one fires at once. */
const MAX_DELAY_MS = 2 ** 31 - 1

/**
 * The schedule as the queue sees it: the policy now, and when held transfers may run again.
 *
 * It evaluates once per change, not on a poll: a timer waits for the next instant the policy changes. A timer
 * counts monotonic time, so when the machine sleeps or the wall clock is set, the instant it aimed for is missed or
 * reached early; the caller calls `refresh()` after a wake, and a coarse check compares the wall clock with the
 * monotonic one to catch a clock that was set. `dispose()` lets the process exit.
 */
export class ScheduleGate {
  readonly #opts: ScheduleGateOptions
  readonly #clock: ScheduleClock
  #state: ScheduleState = { pause: 'none', limitRate: null, next: null }
  #until: Record<Priority, number | null> = { normal: null, background: null }
  #timer: NodeJS.Timeout | undefined
  readonly #jumpTimer: NodeJS.Timeout
  #drift: number
  #disposed = false

  constructor(opts: ScheduleGateOptions) {
    this.#opts = opts
    this.#clock = opts.clock ?? systemClock
    this.#drift = this.#clock.now() - this.#clock.monotonic()
    this.#evaluate()
    const tolerance = opts.jumpToleranceMs ?? 2_000
    this.#jumpTimer = setInterval(() => {
      const drift = this.#clock.now() - this.#clock.monotonic()
      if (Math.abs(drift - this.#drift) > tolerance) this.refresh()
    }, opts.jumpCheckMs ?? 60_000)
    this.#jumpTimer.unref()
  }

  state(): ScheduleState {
    return this.#state
  }

  /** When a held transfer of `priority` may run again; null when it is not held or no window ever ends. */
  heldUntil(priority: Priority): number | null {
    return this.#until[priority]
  }

  now(): number {
    return this.#clock.now()
  }

  /** Evaluate again now (after a wake, a clock jump or a change of the windows) and tell when anything changed. */
  refresh(): void {
    if (this.#disposed) return
    const before = this.#state
    const untilBefore = this.#until
    this.#evaluate()
    const changed =
      before.pause !== this.#state.pause ||
      before.limitRate !== this.#state.limitRate ||
      untilBefore.normal !== this.#until.normal ||
      untilBefore.background !== this.#until.background
    if (changed) this.#opts.onChange(this.#state)
  }

  dispose(): void {
    this.#disposed = true
    clearTimeout(this.#timer)
    clearInterval(this.#jumpTimer)
  }

  #evaluate(): void {
    const now = this.#clock.now()
    this.#drift = now - this.#clock.monotonic()
    const rules = this.#opts.rules()
    // No windows, no zone to read them in: asking the OS for it first loads ICU's zone data, ~20 ms of every start.
    const zone = rules.length === 0 ? 'UTC' : (this.#opts.timeZone?.() ?? systemTimeZone())
    this.#state = scheduleAt(now, rules, zone)
    const until = (p: Priority) => (this.#state.pause === 'none' ? null : heldUntil(now, rules, zone, p))
    this.#until = {
      normal: this.#state.pause === 'all' ? until('normal') : null,
      background: until('background'),
    }
    clearTimeout(this.#timer)
    this.#timer = undefined
    if (this.#state.next !== null) {
      // Kept referenced: a process waiting for a window to end (`pinpoint get` inside one) stays up for it.
      this.#timer = setTimeout(() => this.refresh(), Math.min(Math.max(0, this.#state.next - now), MAX_DELAY_MS))
    }
  }
}
