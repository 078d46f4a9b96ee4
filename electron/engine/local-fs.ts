import { closeSync, constants, fsync, linkSync, lstatSync, openSync, unlinkSync, type Stats } from 'node:fs'
import { link, lstat, open, statfs, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * The metadata calls a download makes (looking at a name, linking the finished file, removing its `.part`,
 * opening a folder to sync it), made where they cost least.
 *
 * Each `fs/promises` call is a trip through libuv's thread pool: the main thread queues it, wakes a pool thread,
 * and later runs its callback. On a local disk these calls take microseconds in the kernel, less than the trip,
 * and on a machine with few cores the woken pool thread takes the CPU from the main thread, which then waits to
 * run again; with a thousand small files the main thread spent more time around these calls than in them. So on
 * a local file system they are made synchronously. Anywhere else (network shares, FUSE, removable drives whose
 * driver may stall) one call can take seconds, so there they stay on the pool and the event loop never blocks.
 * Data writes and fsyncs wait for the disk and always go through the pool.
 */

/**
 * statfs(2) magic numbers of Linux file systems on a local disk or in memory: ext2/3/4, XFS, Btrfs, tmpfs, F2FS,
 * bcachefs and ZFS. FAT and exFAT are left out: they are mostly removable drives.
 */
const LOCAL_TYPES = new Set([0xef53, 0x58465342, 0x9123683e, 0x01021994, 0xf2f52010, 0xca451a4e, 0x2fc12fc1])

/** Per folder, whether it is on a local file system; a folder's file system does not change under a download. */
const localDirs = new Map<string, boolean>()

/** Whether calls in `dir` may be synchronous. Elsewhere than Linux, and when in doubt, they may not. */
export async function isLocalDir(dir: string): Promise<boolean> {
  const known = localDirs.get(dir)
  if (known !== undefined) return known
  let local = false
  if (process.platform === 'linux') {
    try {
      local = LOCAL_TYPES.has(Number((await statfs(dir)).type))
    } catch {
      local = false
    }
  }
  if (localDirs.size >= MAX_DIRS) localDirs.clear()
  localDirs.set(dir, local)
  return local
}
const MAX_DIRS = 1024

/** What is at `path` (not following a symbolic link), or undefined when nothing is. */
export async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    // Not there is the usual answer when a name is chosen: without an exception, which costs more than the call.
    // Known without waiting for every file after a folder's first (as in the calls below).
    const dir = dirname(path)
    return (localDirs.get(dir) ?? (await isLocalDir(dir)))
      ? lstatSync(path, { throwIfNoEntry: false })
      : await lstat(path)
  } catch {
    return undefined
  }
}

/** A second name for `existing`; fails with EEXIST when `path` is taken, which is what makes it exclusive. */
export async function linkFile(existing: string, path: string): Promise<void> {
  const dir = dirname(path)
  if (localDirs.get(dir) ?? (await isLocalDir(dir))) linkSync(existing, path)
  else await link(existing, path)
}

export async function unlinkFile(path: string): Promise<void> {
  const dir = dirname(path)
  if (localDirs.get(dir) ?? (await isLocalDir(dir))) unlinkSync(path)
  else await unlink(path)
}

/** fsync a folder, so the names made or removed in it survive a crash. */
export async function syncDir(dir: string): Promise<void> {
  if (!(localDirs.get(dir) ?? (await isLocalDir(dir)))) {
    const fd = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY)
    try {
      await fd.sync()
    } finally {
      await fd.close()
    }
    return
  }
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY)
  try {
    await new Promise<void>((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())))
  } finally {
    closeSync(fd)
  }
}
