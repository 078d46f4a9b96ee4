import { lstat, readdir, unlink } from 'node:fs/promises'
import { join } from 'node:path'

import type { PinpointError } from '../../shared/pinpoint-error.ts'
import { PART_SUFFIX } from '../engine/file-names.ts'
import { fileError } from '../engine/finalize.ts'
import { partPathOf } from '../engine/target-path.ts'

export interface OrphanPart {
  path: string
  size: number
  modifiedMs: number
}

/** A `.part` written to this recently may be another program's download in progress: it is never removed. */
export const IN_USE_MS = 60_000

interface Owner {
  dir: string
  targetPath: string | null
  savedPath: string | null
}

/**
 * `.part` files in the folders downloads write to that no download owns: what a state folder
 * that was deleted, reset or lost to a crash leaves behind. A download's row, with its target name, is
 * committed before its `.part` is created, so a file listed here was not made by this state folder.
 *
 * Every path a download of any state names is owned, not only its `.part`: a finished file is never an orphan,
 * even one whose name ends in `.part` (sanitizeName never gives such a name, but a store made by an earlier
 * version may hold one, numbered on a clash or not). Nothing is ever resumed into an orphan: without its row
 * there is no validator to prove the bytes are the current file's, and it may belong to another program. Only
 * regular files are listed (a symlink or a folder named `*.part` is not ours to judge).
 */
export async function findOrphanParts(owners: readonly Owner[]): Promise<OrphanPart[]> {
  const owned = new Set(
    owners.flatMap((o) => [
      ...(o.targetPath ? [o.targetPath, partPathOf(o.targetPath)] : []),
      ...(o.savedPath ? [o.savedPath] : []),
    ]),
  )
  const orphans: OrphanPart[] = []
  for (const dir of new Set(owners.map((o) => o.dir))) {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
    for (const e of entries) {
      if (!e.name.endsWith(PART_SUFFIX) || !e.isFile()) continue
      const path = join(dir, e.name)
      if (owned.has(path)) continue
      const st = await lstat(path).catch(() => undefined)
      if (st?.isFile()) orphans.push({ path, size: st.size, modifiedMs: st.mtimeMs })
    }
  }
  return orphans.sort((a, b) => a.path.localeCompare(b.path))
}

/** The orphans in `owners`' folders, parted into those to delete and those written to in the last minute. */
export async function orphansToRemove(
  owners: readonly Owner[],
  now = Date.now(),
): Promise<{ removable: OrphanPart[]; inUse: OrphanPart[] }> {
  const orphans = await findOrphanParts(owners)
  return {
    removable: orphans.filter((o) => now - o.modifiedMs >= IN_USE_MS),
    inUse: orphans.filter((o) => now - o.modifiedMs < IN_USE_MS),
  }
}

export interface Removal {
  removed: OrphanPart[]
  /** No longer the file that was listed (written to, replaced or gone since), so left alone. */
  changed: OrphanPart[]
  failed: Array<{ orphan: OrphanPart; error: PinpointError }>
}

/**
 * Delete orphans found by orphansToRemove, each checked again just before: only the same regular file, with the
 * size and modification time it was listed with, is deleted, since the user may have been asked for minutes
 * meanwhile. The caller holds the state folder's lock, so no download of its own can be starting meanwhile. A
 * failed delete is returned, not thrown, so that it neither stops the others nor goes unreported.
 */
export async function removeOrphanParts(orphans: readonly OrphanPart[]): Promise<Removal> {
  const result: Removal = { removed: [], changed: [], failed: [] }
  for (const orphan of orphans) {
    try {
      const st = await lstat(orphan.path)
      if (!st.isFile() || st.size !== orphan.size || st.mtimeMs !== orphan.modifiedMs) {
        result.changed.push(orphan)
        continue
      }
      await unlink(orphan.path)
      result.removed.push(orphan)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') result.changed.push(orphan)
      else result.failed.push({ orphan, error: fileError(err, orphan.path) })
    }
  }
  return result
}
