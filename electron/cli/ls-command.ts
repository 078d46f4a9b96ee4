import { formatBytes, formatPercent } from '../../shared/format.ts'
import { openStore } from '../store/open-store.ts'
import type { CliIo } from './io.ts'
import { stateDirOf } from './open-engine.ts'

/**
 * `pinpoint ls`: the downloads in a state folder with their state. It opens the store read-only and takes no
 * lock, so it works while another pinpoint (or the app) is downloading into the same folder.
 */
export async function lsCommand(flags: { stateDir?: string; json?: boolean }, io: CliIo): Promise<number> {
  const store = openStore({ dir: stateDirOf(flags, io), readOnly: true })
  try {
    const rows = store.transfers.list()
    if (flags.json) {
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
    return 0
  } finally {
    store.close()
  }
}
