import { lstat } from 'node:fs/promises'
import { dirname } from 'node:path'

import { completeLink } from '../engine/finalize.ts'
import { partPathOf } from '../engine/target-path.ts'
import type { Store } from '../store/open-store.ts'
import { isPinpointError } from '../../shared/pinpoint-error.ts'

/**
 * Bring the store back to a state the queue can run after a crash, `kill -9` or power loss.
 *
 * Transfers that were running are queued again (they resume from their durable ranges). One that died while
 * finalizing is finished if its rename had happened, and otherwise queued: with every segment durable it goes
 * straight back to verify and rename. A missing `.part` is left for the engine to notice and restart.
 */
export async function recover(store: Store, confine?: (dir: string) => Promise<void>): Promise<void> {
  for (const row of store.transfers.listByState(['connecting', 'downloading', 'verifying'])) {
    store.transfers.update(row.id, { state: 'queued' })
    store.events.add(row.id, 'recovered', `interrupted while ${row.state}; queued to resume`)
  }
  for (const row of store.transfers.listByState(['finalizing'])) {
    const part = row.targetPath ? partPathOf(row.targetPath) : undefined
    const refused = part && confine ? await confine(dirname(part)).catch((err: unknown) => err) : undefined
    if (isPinpointError(refused)) {
      // Not finished here, and left failed rather than queued so that the engine does not finish it either. Its
      // savedPath stays: a run allowed to write there (the desktop app) that resumes it links the file again, and
      // if this rename had already happened, that file stays beside the new one as `name (1)`.
      store.transfers.update(row.id, { state: 'failed', errorCode: refused.code, errorMessage: refused.message })
      store.events.add(row.id, 'error', `${refused.code}: ${refused.message}`)
      continue
    }
    if (refused !== undefined) throw refused
    const saved = part && row.savedPath ? await completeLink(part, row.savedPath) : undefined
    if (saved) {
      store.transfers.update(row.id, { state: 'completed', savedPath: saved, completedAt: Date.now() })
      store.events.add(row.id, 'recovered', `finished the interrupted rename: ${saved}`)
    } else {
      const partThere = part
        ? await lstat(part).then(
            () => true,
            () => false,
          )
        : false
      store.transfers.update(row.id, { state: 'queued', savedPath: null })
      store.events.add(
        row.id,
        'recovered',
        partThere ? 'interrupted while finalizing; queued' : 'the .part file is gone',
      )
    }
  }
}
