import type { RetryInfo, TransferView } from '../../shared/transfer.ts'
import type { TransferRow } from '../store/transfer-row.ts'
import { readSummary } from './connection-summary.ts'
import { shownName } from './shown-name.ts'
import { etaSeconds } from './speed-meter.ts'
import { parseSignatureResult } from '../../shared/signature.ts'

/**
 * What only a running transfer has: bytes received since its last checkpoint, its current rate, and the retry
 * it waits for, if any.
 */
export interface LiveFigures {
  received: number | undefined
  rate: number
  retry?: RetryInfo | undefined
}

/**
 * A transfer as every view shows it: the store's row, its durable bytes, and the live figures while it runs.
 * Progress never shows less than what is durable, nor more than the total.
 */
export function transferView(row: TransferRow, durable: number, live: LiveFigures | undefined): TransferView {
  const done = Math.max(durable, live ? (live.received ?? 0) : durable)
  const speed = live ? Math.round(live.rate) : 0
  return {
    id: row.id,
    url: row.url,
    name: shownName(row),
    dir: row.dir,
    savedPath: row.savedPath,
    state: row.state,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
    total: row.total,
    done: row.total !== null ? (row.state === 'completed' ? row.total : Math.min(done, row.total)) : done,
    speed,
    eta: live ? (etaSeconds(row.total, done, speed) ?? null) : null,
    position: row.position,
    connection: readSummary(row.lastConnection),
    retry: live?.retry ?? null,
    createdAt: row.createdAt,
    completedAt: row.state === 'completed' ? row.completedAt : null,
    signature: parseSignatureResult(row.signatureResult),
    priority: row.priority,
  }
}
