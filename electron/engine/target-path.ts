import { lstat, statfs } from 'node:fs/promises'
import { join } from 'node:path'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import { PART_SUFFIX } from './file-names.ts'
import { numbered } from './finalize.ts'

export function partPathOf(targetPath: string): string {
  return `${targetPath}${PART_SUFFIX}`
}

/**
 * The first free `dir/name`, `dir/name (1)`, … : free on disk (the name and its `.part`) and not claimed by
 * another transfer, so two downloads of `setup.exe` into one folder never share a file.
 */
export async function chooseTarget(dir: string, name: string, isTaken: (path: string) => boolean): Promise<string> {
  const wanted = join(dir, name)
  for (let n = 0; n < 10_000; n++) {
    const candidate = n === 0 ? wanted : numbered(wanted, n)
    if (isTaken(candidate)) continue
    if ((await exists(candidate)) || (await exists(partPathOf(candidate)))) continue
    return candidate
  }
  throw new PinpointError('FILE_ERROR', `no free name for ${wanted}`)
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path)
    return true
  } catch {
    return false
  }
}

/** Refuse up front what cannot fit, instead of failing at 99 % (test-matrix A16). */
export async function checkFreeSpace(dir: string, needed: number): Promise<void> {
  const st = await statfs(dir)
  const free = Number(st.bavail) * Number(st.bsize)
  if (needed > free) {
    throw new PinpointError('DISK_FULL', `not enough space in ${dir}: ${needed} bytes needed, ${free} free`)
  }
}
