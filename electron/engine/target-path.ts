import { statfs } from 'node:fs/promises'
import { join } from 'node:path'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import { PART_SUFFIX } from './file-names.ts'
import { numbered } from './finalize.ts'
import { lstatOrUndefined } from './local-fs.ts'

export function partPathOf(targetPath: string): string {
  return `${targetPath}${PART_SUFFIX}`
}

/**
 * The first `dir/name`, `dir/name (1)`, … that is free on disk and not claimed by another transfer, so two
 * downloads of `setup.exe` into one folder never share a file. Its `.part` is not looked at here: the caller
 * creates it exclusively, which is the check that counts.
 */
export async function chooseTarget(dir: string, name: string, isTaken: (path: string) => boolean): Promise<string> {
  const wanted = join(dir, name)
  for (let n = 0; n < 10_000; n++) {
    const candidate = n === 0 ? wanted : numbered(wanted, n)
    if (isTaken(candidate)) continue
    if (await exists(candidate)) continue
    return candidate
  }
  throw new PinpointError('FILE_ERROR', `no free name for ${wanted}`)
}

/** Whether anything (a file, a folder, a dangling link) is at `path`. */
export async function exists(path: string): Promise<boolean> {
  return (await lstatOrUndefined(path)) !== undefined
}

/** Per folder: the free space last measured, when, and how much has been promised to downloads since. */
const freeSpace = new Map<string, { free: number; at: number; promised: number }>()
/** How long a measurement stands in for the next ones, while what they ask for stays well below it. */
const FREE_SPACE_TTL_MS = 1000

/**
 * Refuse up front what cannot fit, instead of failing at 99 %. A list of small files asks the same folder a
 * thousand times a second; within a second of a measurement, a request that, with what was asked for since,
 * stays under a quarter of the space then free is let through without another statfs: it cannot be the one
 * that does not fit. Anything nearer the edge is measured.
 */
export async function checkFreeSpace(dir: string, needed: number, now = performance.now()): Promise<void> {
  const last = freeSpace.get(dir)
  if (last && now - last.at < FREE_SPACE_TTL_MS && (last.promised + needed) * 4 < last.free) {
    last.promised += needed
    return
  }
  const st = await statfs(dir)
  const free = Number(st.bavail) * Number(st.bsize)
  freeSpace.set(dir, { free, at: now, promised: needed })
  if (needed > free) {
    throw new PinpointError('DISK_FULL', `not enough space in ${dir}: ${needed} bytes needed, ${free} free`)
  }
}
