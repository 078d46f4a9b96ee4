import { PinpointError } from '../../shared/pinpoint-error.ts'
import { redactUrl } from '../../shared/redact-url.ts'
import { scheduleReason } from '../../shared/schedule-reason.ts'
import type { TransferView } from '../../shared/transfer.ts'
import type { CliIo } from './io.ts'

/**
 * Tell on stderr which downloads a schedule window holds, until when, and how to start them anyway. A download no
 * window ever lets run is refused instead (BAD_INPUT, exit 2): waiting for it would never end. The same whether
 * `pinpoint get` runs its own queue or hands the downloads to a running app or `pinpoint serve`.
 */
export function reportScheduleHolds(views: readonly TransferView[], now: number, io: CliIo): void {
  let forever: string | undefined
  for (const view of views) {
    if (!view.schedule) continue
    const name = view.name ?? redactUrl(view.url)
    if (view.schedule.until === null) forever ??= name
    else io.stderr(`${name}: ${scheduleReason(view.schedule.until, now)}; --ignore-schedule starts it now\n`)
  }
  if (forever !== undefined) {
    throw new PinpointError(
      'BAD_INPUT',
      `${forever}: the schedule pauses it at all times; --ignore-schedule starts it now`,
    )
  }
}
