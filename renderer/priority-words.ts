import { formatSpeed } from '../shared/format.ts'
import type { BackgroundReason, BackgroundStatus, Priority } from '../shared/priority.ts'

/** A transfer's priority as the table and the menu say it; views from older mains carry none and are normal. */
export function priorityOf(view: { priority?: Priority | undefined }): Priority {
  return view.priority ?? 'normal'
}

export const PRIORITY_LABEL: Readonly<Record<Priority, string>> = { normal: 'Normal', background: 'Background' }

const REASON: Readonly<Record<BackgroundReason, string>> = {
  probing: 'probing: measuring the delay to the server',
  growing: 'growing: the link has room',
  'backing-off': 'backing off: a queue is building on the link',
  'at-floor': 'at the floor: the link is busy, so only the minimum',
  limited: 'at the speed limit',
  idle: 'idle: no background download is running',
  holding: 'holding: just under what the link carries, so its queue stays empty',
  reaching: 'reaching: briefly above it, to see whether the link carries more',
}

/** One line for the details view: the shared rate, why, and the delays it went by. */
export function backgroundLine(s: BackgroundStatus): { rate: string; reason: string; delays: string } {
  const delays =
    s.baseDelayMs === null || s.queuingDelayMs === null
      ? `no delay measured yet (target ${s.targetMs} ms)`
      : `queuing delay ${ms(s.queuingDelayMs)} over a base of ${ms(s.baseDelayMs)} (target ${s.targetMs} ms)`
  return { rate: formatSpeed(s.rate), reason: REASON[s.reason], delays }
}

function ms(v: number): string {
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`
}
