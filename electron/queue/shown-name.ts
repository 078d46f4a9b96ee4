import { basename } from 'node:path'

import type { TransferRow } from '../store/transfer-row.ts'

/**
 * The name a row shows: the file's real one. The row's `name` is what was asked for (the user's, or the
 * server's); the engine may save under `name (1).ext` when that was taken, which `savedPath` (once finished or
 * finalizing) and `targetPath` (once claimed) record, so those win.
 */
export function shownName(row: Pick<TransferRow, 'name' | 'targetPath' | 'savedPath'>): string | null {
  const path = row.savedPath ?? row.targetPath
  return path === null ? row.name : basename(path)
}
