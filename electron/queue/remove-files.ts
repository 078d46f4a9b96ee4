import { lstat, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'

import { partPathOf } from '../engine/target-path.ts'
import type { TransferRow } from '../store/transfer-row.ts'

/**
 * Delete a transfer's `.part` (always) and its finished file (only when asked).
 *
 * Only regular files are unlinked, and only at paths the store recorded for this transfer, so a symlink or a
 * folder planted at those names is never followed or removed. With `confine` (pinpoint serve's roots), each
 * existing file's folder is checked right before its unlink, and a refusal is thrown before anything more is
 * deleted.
 */
export async function removeTransferFiles(
  row: TransferRow,
  deleteFinished: boolean,
  confine?: (dir: string) => Promise<void>,
): Promise<void> {
  const paths = [row.targetPath ? partPathOf(row.targetPath) : undefined]
  if (deleteFinished && row.state === 'completed') paths.push(row.savedPath ?? undefined)
  for (const path of paths) {
    if (!path) continue
    const st = await lstat(path).catch(() => undefined)
    if (!st?.isFile()) continue
    await confine?.(dirname(path))
    await unlink(path).catch(() => {})
  }
}
