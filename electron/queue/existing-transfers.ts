import type { TransferRow } from '../store/transfer-row.ts'
import type { Store } from '../store/open-store.ts'

/**
 * For each URL in the list (as stored: without userinfo), the transfer a user means by "already in the list":
 * the newest unfinished one (queued, running, paused or failed) in any folder, else the newest completed one.
 * Canceled ones are not: nothing of them is kept but the row. One pass over the list, so a request of
 * thousands of URLs costs one read of the table.
 */
export function latestByUrl(store: Store): Map<string, TransferRow> {
  const found = new Map<string, TransferRow>()
  for (const row of store.transfers.list()) {
    if (row.state === 'canceled') continue
    const had = found.get(row.url)
    if (had === undefined || rank(row) > rank(had) || (rank(row) === rank(had) && row.id > had.id)) {
      found.set(row.url, row)
    }
  }
  return found
}

function rank(row: TransferRow): number {
  return row.state === 'completed' ? 0 : 1
}
