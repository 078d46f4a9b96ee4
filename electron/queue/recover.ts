import { lstat } from 'node:fs/promises'
import { dirname } from 'node:path'

import { completeLink } from '../engine/finalize.ts'
import { partPathOf } from '../engine/target-path.ts'
import type { Store } from '../store/open-store.ts'
import { isPinpointError } from '../../shared/pinpoint-error.ts'
import { redactUrlsIn } from '../../shared/redact-url.ts'

/**
 * Bring the store back to a state the queue can run after a crash, `kill -9` or power loss.
 *
 * Transfers that were running are queued again (they resume from their durable ranges). One that died while
 * finalizing is finished if its rename had happened, and otherwise queued: with every segment durable it goes
 * straight back to verify and rename. A missing `.part` is left for the engine to notice and restart. With
 * `confine` (pinpoint serve's roots), a rename in a folder it refuses is not finished (see below).
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
      // Nothing is linked, renamed or deleted in a folder this run may not touch. If the link had happened (one
      // file under both names), the download is complete and only its `.part` name is left over. Otherwise it is
      // left failed, not queued, so that the engine does not finish it either, and with no recorded name, so a
      // run allowed to write there that resumes it finalizes from the start instead of linking it twice.
      if (part && row.savedPath && (await sameFile(part, row.savedPath))) {
        store.transfers.update(row.id, { state: 'completed', completedAt: Date.now() })
        store.events.add(
          row.id,
          'recovered',
          `already saved as ${row.savedPath}; its .part name stays: ${refused.message}`,
        )
      } else {
        const error = { errorCode: refused.code, errorMessage: redactUrlsIn(refused.message) }
        store.transfers.update(row.id, { state: 'failed', savedPath: null, ...error })
        store.events.add(row.id, 'error', `${refused.code}: ${refused.message}`)
      }
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

/** Both paths name one file (the state a link leaves before the `.part` name is unlinked); only looks. */
async function sameFile(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([lstat(a).catch(() => undefined), lstat(b).catch(() => undefined)])
  return x !== undefined && y !== undefined && x.isFile() && x.ino === y.ino && x.dev === y.dev
}
