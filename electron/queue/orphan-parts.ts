import { lstat, readdir, unlink } from 'node:fs/promises'
import { join } from 'node:path'

import { PART_SUFFIX } from '../engine/file-names.ts'
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
 * `.part` files in the folders downloads write to that no download owns (test-matrix D4): what a state folder
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

/**
 * Delete the orphans in `owners`' folders, each checked again just before, except those written to in the
 * last minute. The caller holds the state folder's lock, so no download of its own can be starting meanwhile.
 */
export async function removeOrphanParts(
  owners: readonly Owner[],
  now = Date.now(),
): Promise<{ removed: OrphanPart[]; inUse: OrphanPart[] }> {
  const removed: OrphanPart[] = []
  const inUse: OrphanPart[] = []
  for (const orphan of await findOrphanParts(owners)) {
    const st = await lstat(orphan.path).catch(() => undefined)
    if (!st?.isFile()) continue
    if (now - st.mtimeMs < IN_USE_MS) {
      inUse.push(orphan)
      continue
    }
    await unlink(orphan.path)
    removed.push(orphan)
  }
  return { removed, inUse }
}
