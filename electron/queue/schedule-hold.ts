import { priorityOf } from '../../shared/priority.ts'
import { heldUntil, mayRun, scheduleAt } from '../../shared/schedule-policy.ts'
import type { Schedule } from '../../shared/schedule.ts'
import type { TransferRow } from '../store/transfer-row.ts'

/**
 * Whether the schedule holds this stored transfer at `now`, and until when (null: no window ever lets it run);
 * undefined when it does not. Only a queued transfer waits for the schedule, and one the user started "now
 * anyway" is never held. For a reader of the state folder that runs no queue (`pinpoint ls`): it gives what the
 * running queue shows.
 */
export function scheduleHold(
  row: Pick<TransferRow, 'state' | 'priority' | 'startedAnyway'>,
  schedule: Schedule,
  now: number,
  timeZone: string,
): { until: number | null } | undefined {
  if (row.state !== 'queued' || row.startedAnyway || schedule.length === 0) return undefined
  const priority = priorityOf(row)
  if (mayRun(scheduleAt(now, schedule, timeZone), priority)) return undefined
  return { until: heldUntil(now, schedule, timeZone, priority) }
}
