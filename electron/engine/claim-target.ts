import { unlink } from 'node:fs/promises'
import { dirname } from 'node:path'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import type { TransferRow } from '../store/transfer-row.ts'
import { TARGET_TAKEN } from '../store/row-updates.ts'
import { PartFile, type PartOptions } from './part-file.ts'
import type { Segment } from './segment-plan.ts'
import { chooseTarget, partPathOf } from './target-path.ts'
import type { EngineEnv } from './transfer-runner.ts'
import { BATCH_BYTES } from './write-batches.ts'

/**
 * Pick, create and record a free target: the first `name`, `name (1)`, … with no file on disk, no transfer
 * claiming it, and a `.part` we could create ourselves (O_EXCL, so one that someone left there is never
 * adopted: it moves us on to the next name). The `.part` comes before the claim, so a claim in the store always
 * names a `.part` of ours; a crash in between leaves an empty `.part` no transfer owns. Two transfers that pick
 * one name at once meet at the O_EXCL create or at the store's UNIQUE constraint, and the loser moves on.
 */
export async function claimTarget(
  env: EngineEnv,
  dir: string,
  name: string,
  record: (targetPath: string) => TransferRow,
  partOptions: PartOptions,
): Promise<{ row: TransferRow; part: PartFile }> {
  const passed = new Set<string>()
  for (let tries = 0; ; tries++) {
    const candidate = await chooseTarget(dir, name, (p) => passed.has(p) || env.store.transfers.isTargetTaken(p))
    passed.add(candidate)
    await env.confine?.(dirname(candidate))
    let part: PartFile
    try {
      part = await PartFile.create(partPathOf(candidate), partOptions)
    } catch (err) {
      if (tries < 100 && err instanceof PinpointError && err.context.cause === 'EEXIST') continue
      throw err
    }
    try {
      return { row: record(candidate), part }
    } catch (err) {
      await part.close()
      await unlink(part.path).catch(() => {})
      if (tries < 100 && err instanceof PinpointError && err.context.cause === TARGET_TAKEN) continue
      throw err
    }
  }
}

/**
 * Whether the whole body goes to the `.part` in one write: one segment that fits one write batch, fetched in one
 * response (a background download's paced pieces are written one by one). Such a file is written through
 * (`PartFile.create`): its one write carries the sync that finishing would otherwise make separately.
 */
export function writesOnce(row: TransferRow, segments: readonly Segment[]): boolean {
  const only = segments.length === 1 ? segments[0] : undefined
  return only !== undefined && only.end - only.start <= BATCH_BYTES && row.priority !== 'background'
}
