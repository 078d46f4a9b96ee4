import { exitCodeFor } from '../../shared/errors.ts'
import { formatBytes, formatPercent } from '../../shared/format.ts'
import { PinpointError } from '../../shared/pinpoint-error.ts'
import { redactUrl } from '../../shared/redact-url.ts'
import { findOrphanParts, orphansToRemove, removeOrphanParts, type OrphanPart } from '../queue/orphan-parts.ts'
import { openStore, type Store } from '../store/open-store.ts'
import type { TransferRow } from '../store/transfer-row.ts'
import type { CliIo } from './io.ts'
import { scheduleHold } from '../queue/schedule-hold.ts'
import { settingFields } from '../../shared/settings.ts'
import { scheduleReason } from '../../shared/schedule-reason.ts'
import { systemTimeZone } from '../../shared/zoned-time.ts'
import { stateDirOf } from './open-engine.ts'

/**
 * `pinpoint ls`: the downloads in a state folder with their state and priority (and, for a queued one a schedule
 * window holds, until when), then any `.part` file in their folders that none of them owns. It opens the store read-only and takes no lock, so it works while another pinpoint (or the
 * app) is downloading into the same folder. `--remove-orphans` deletes those files, and so takes the state
 * folder's lock (STATE_LOCKED while a download runs here): no download of this folder can then create a `.part`
 * between the listing and the removal. It lists what it would delete and deletes only once confirmed.
 */
export async function lsCommand(
  flags: { stateDir?: string; json?: boolean; removeOrphans?: boolean; yes?: boolean },
  io: CliIo,
): Promise<number> {
  if (flags.yes && !flags.removeOrphans) throw new PinpointError('BAD_INPUT', '--yes is for --remove-orphans')
  const store = openStore({ dir: stateDirOf(flags, io), readOnly: !flags.removeOrphans })
  try {
    const rows = store.transfers.list()
    const out = orphanReport(!!flags.json, io)
    listTransfers(store, rows, !!flags.json, io)
    if (flags.removeOrphans) return await removeOrphans(rows, !!flags.yes, out, io)
    const kept = await findOrphanParts(rows)
    out.list(kept)
    out.each(kept, 'kept')
    if (kept.length > 0 && !flags.json) {
      io.stdout(
        'pinpoint never resumes into them. Keep the bytes by renaming the file, or delete them with: pinpoint ls --remove-orphans\n',
      )
    }
    return 0
  } finally {
    store.close()
  }
}

function listTransfers(store: Store, rows: readonly TransferRow[], json: boolean, io: CliIo): void {
  // The saved schedule, as the app or `serve` follows it; one this version cannot read holds nothing.
  const saved = settingFields.schedule.safeParse(store.settings.get('schedule'))
  const schedule = saved.success ? saved.data : []
  const now = Date.now()
  const zone = systemTimeZone()
  for (const r of rows) {
    const done = r.state === 'completed' ? (r.total ?? 0) : store.segments.durableBytes(r.id)
    const hold = scheduleHold(r, schedule, now, zone)
    const held = hold && { until: hold.until, reason: scheduleReason(hold.until, now, zone) }
    if (json) {
      io.stdout(
        `${JSON.stringify({
          id: r.id,
          url: r.url,
          state: r.state,
          name: r.name,
          path: r.savedPath ?? r.targetPath,
          total: r.total,
          done: r.state === 'completed' ? r.total : done,
          error: r.errorCode ? { code: r.errorCode, message: r.errorMessage } : null,
          priority: r.priority,
          schedule: held ?? null,
        })}\n`,
      )
      continue
    }
    const size = r.total === null ? formatBytes(done) : `${formatBytes(done)} / ${formatBytes(r.total)}`
    const err = r.errorCode ? `  ${r.errorCode}` : ''
    const why = held ? `  ${held.reason}` : ''
    io.stdout(
      `${String(r.id).padStart(5)}  ${r.state.padEnd(11)} ${r.priority.padEnd(10)} ${formatPercent(done, r.total).padStart(6)}  ${size.padEnd(22)} ${r.savedPath ?? r.targetPath ?? redactUrl(r.url)}${err}${why}\n`,
    )
  }
  if (rows.length === 0 && !json) io.stdout('no downloads\n')
}

/**
 * Delete the orphans only once confirmed, by `--yes` or by the user at the terminal: the list is always shown
 * first. Without a terminal and without `--yes` nothing is deleted and the exit is 2 (as for a missing flag), so
 * a script cannot take the listing for a removal. A failed delete is named on stderr and makes the exit 7.
 */
async function removeOrphans(rows: readonly TransferRow[], yes: boolean, out: OrphanReport, io: CliIo) {
  const { removable, inUse } = await orphansToRemove(rows)
  out.each(inUse, 'in use')
  if (removable.length === 0) return 0
  const ask = yes ? undefined : io.confirm
  out.list(removable, ask !== undefined)
  const files = removable.length === 1 ? 'this file' : `these ${removable.length} files`
  const confirmed = yes || (ask !== undefined && (await ask(`delete ${files}? [y/N] `)))
  if (!confirmed) {
    out.each(removable, 'kept')
    if (ask) {
      if (!out.json) io.stdout('nothing deleted\n')
      return 0
    }
    io.stderr(`pinpoint: nothing deleted: stdin is not a terminal to ask on; pass --yes to delete ${files}\n`)
    return exitCodeFor('BAD_INPUT')
  }
  const { removed, changed, failed } = await removeOrphanParts(removable)
  out.each(removed, 'removed')
  out.each(changed, 'changed')
  for (const { orphan, error } of failed) {
    out.each([orphan], 'failed', error)
    io.stderr(`pinpoint: could not delete ${error.message}\n`)
  }
  return failed[0] ? exitCodeFor(failed[0].error.code) : 0
}

type Status = 'kept' | 'in use' | 'removed' | 'changed' | 'failed'

/** Orphans as text (a heading, then a line per file) or as one JSON object per file with what became of it. */
interface OrphanReport {
  json: boolean
  /** The heading and the files: in text, and on stderr before a question in JSON, whose stdout is for objects. */
  list(orphans: readonly OrphanPart[], beforeQuestion?: boolean): void
  each(orphans: readonly OrphanPart[], status: Status, error?: PinpointError): void
}

function orphanReport(json: boolean, io: CliIo): OrphanReport {
  return {
    json,
    list(orphans, beforeQuestion = false) {
      if (orphans.length === 0 || (json && !beforeQuestion)) return
      const write = json ? io.stderr : io.stdout
      write('\n.part files no download here owns (from a lost or reset state folder, or another program):\n')
      for (const o of orphans) write(`  ${o.path} (${formatBytes(o.size)})\n`)
    },
    each(orphans, status, error) {
      for (const o of orphans) {
        if (json) {
          const err = error ? { error: { code: error.code, message: error.message } } : {}
          io.stdout(`${JSON.stringify({ orphanPart: o.path, size: o.size, status, ...err })}\n`)
        } else {
          const line = TEXT[status]?.(o)
          if (line) io.stdout(`${line}\n`)
        }
      }
    },
  }
}

/** Text per status; a kept file is already in the list, and a failed one is reported on stderr. */
const TEXT: Partial<Record<Status, (o: OrphanPart) => string>> = {
  removed: (o) => `removed ${o.path} (${formatBytes(o.size)})`,
  'in use': (o) => `kept ${o.path}: written to in the last minute, so another program may be downloading it`,
  changed: (o) => `kept ${o.path}: it changed or went away after it was listed`,
}
