import { statfs } from 'node:fs/promises'

import type { Store } from '../store/open-store.ts'

/**
 * Transfers paused for a full disk resume once their remaining bytes fit in the free space again: each is logged
 * as resumed and handed to `requeue`. A folder that cannot be asked about (gone, unmounted) keeps its transfers.
 */
export async function resumeWhereDiskFree(store: Store, requeue: (id: number) => void): Promise<void> {
  const waiting = store.transfers.listByState(['paused']).filter((r) => r.errorCode === 'DISK_FULL')
  for (const row of waiting) {
    const left = row.total === null ? 1 : row.total - store.segments.durableBytes(row.id)
    const st = await statfs(row.dir).catch(() => undefined)
    if (st && Number(st.bavail) * Number(st.bsize) >= left) {
      store.events.add(row.id, 'resumed', 'disk space is back')
      requeue(row.id)
    }
  }
}
