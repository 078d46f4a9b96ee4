import { formatBytes, formatPercent } from '../../shared/format.ts'
import { findOrphanParts, removeOrphanParts, type OrphanPart } from '../queue/orphan-parts.ts'
import { openStore } from '../store/open-store.ts'
import type { CliIo } from './io.ts'
import { stateDirOf } from './open-engine.ts'

/**
 * `pinpoint ls`: the downloads in a state folder with their state, then any `.part` file in their folders that
 * none of them owns. It opens the store read-only and takes no lock, so it works while another pinpoint (or the
 * app) is downloading into the same folder. `--remove-orphans` deletes those files, and so takes the state
 * folder's lock (STATE_LOCKED while a download runs here): no download of this folder can then create a `.part`
 * between the listing and the removal.
 */
export async function lsCommand(
  flags: { stateDir?: string; json?: boolean; removeOrphans?: boolean },
  io: CliIo,
): Promise<number> {
  const store = openStore({ dir: stateDirOf(flags, io), readOnly: !flags.removeOrphans })
  try {
    const rows = store.transfers.list()
    const found: Orphans = flags.removeOrphans
      ? { kept: [], ...(await removeOrphanParts(rows)) }
      : { kept: await findOrphanParts(rows), removed: [], inUse: [] }
    if (flags.json) {
      const line = (o: OrphanPart, status: string) =>
        io.stdout(`${JSON.stringify({ orphanPart: o.path, size: o.size, status })}\n`)
      for (const o of found.kept) line(o, 'kept')
      for (const o of found.removed) line(o, 'removed')
      for (const o of found.inUse) line(o, 'in use')
      for (const r of rows) {
        const done = store.segments.durableBytes(r.id)
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
          })}\n`,
        )
      }
      return 0
    }
    for (const r of rows) {
      const done = r.state === 'completed' ? (r.total ?? 0) : store.segments.durableBytes(r.id)
      const size = r.total === null ? formatBytes(done) : `${formatBytes(done)} / ${formatBytes(r.total)}`
      const err = r.errorCode ? `  ${r.errorCode}` : ''
      io.stdout(
        `${String(r.id).padStart(5)}  ${r.state.padEnd(11)} ${formatPercent(done, r.total).padStart(6)}  ${size.padEnd(22)} ${r.savedPath ?? r.targetPath ?? r.url}${err}\n`,
      )
    }
    if (rows.length === 0) io.stdout('no downloads\n')
    reportOrphans(found, io)
    return 0
  } finally {
    store.close()
  }
}

interface Orphans {
  kept: OrphanPart[]
  removed: OrphanPart[]
  inUse: OrphanPart[]
}

function reportOrphans({ kept, removed, inUse }: Orphans, io: CliIo): void {
  for (const o of removed) io.stdout(`removed ${o.path} (${formatBytes(o.size)})\n`)
  for (const o of inUse) {
    io.stdout(`kept ${o.path}: written to in the last minute, so another program may be downloading it\n`)
  }
  if (kept.length === 0) return
  io.stdout('\n.part files no download here owns (from a lost or reset state folder, or another program):\n')
  for (const o of kept) io.stdout(`  ${o.path} (${formatBytes(o.size)})\n`)
  io.stdout(
    'pinpoint never resumes into them. Keep the bytes by renaming the file, or delete them with: pinpoint ls --remove-orphans\n',
  )
}
