import { constants } from 'node:fs'
import { open, rename } from 'node:fs/promises'
import { basename, dirname, extname, join } from 'node:path'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import { linkFile, lstatOrUndefined, syncDir, unlinkFile } from './local-fs.ts'

/**
 * Give a finished `.part` file its final name without ever overwriting anything.
 *
 * `link()` fails with EEXIST instead of replacing, so it is the exclusive create that `rename()` is not; on a
 * clash the next free `name (n).ext` is taken. The folder is fsynced afterwards so the new name survives a
 * crash (a rename without it can come back as a missing or zero-length file on some filesystems).
 *
 * Where the filesystem has no hard links (FAT and exFAT drives, some shares), the name is claimed with an
 * O_EXCL placeholder and the `.part` renamed over it instead (`reserveAndRename`).
 *
 * Crash safety: the caller records each candidate before it is linked. After a crash, a `.part` and a file at
 * the recorded name with the same inode mean the link happened and only the unlink is left (`completeLink`);
 * an empty file there is our placeholder, and the rename is finished.
 */
export async function finalizePart(
  partPath: string,
  wantedPath: string,
  /** Called with each name before it is tried, so a crash mid-rename can be finished from the store. */
  onCandidate: (path: string) => void = () => {},
): Promise<string> {
  let hardLinks = true
  for (let n = 0; n < 10_000; n++) {
    const candidate = n === 0 ? wantedPath : numbered(wantedPath, n)
    onCandidate(candidate)
    try {
      if (hardLinks) {
        await linkFile(partPath, candidate)
        await unlinkFile(partPath)
      } else {
        await reserveAndRename(partPath, candidate)
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EEXIST') continue
      if (hardLinks && code !== undefined && NO_HARD_LINKS.has(code)) {
        hardLinks = false
        n--
        continue
      }
      throw fileError(err, candidate)
    }
    await fsyncDir(dirname(candidate))
    return candidate
  }
  throw new PinpointError('FILE_ERROR', `no free name for ${wantedPath}`)
}

/** What `link()` answers on a filesystem without hard links (FAT and exFAT drives, some network shares). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'])

/**
 * The exclusive create without hard links: claim the name with an empty file made by O_EXCL, then rename the
 * `.part` over that placeholder of our own. Nothing but our placeholder is ever replaced; after a crash between
 * the two steps, `completeLink` finds the empty placeholder at the recorded name and finishes the rename.
 */
async function reserveAndRename(partPath: string, candidate: string): Promise<void> {
  const placeholder = await open(candidate, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644)
  await placeholder.close()
  await rename(partPath, candidate)
}

/** `name (n).ext` beside `path`: the names tried, in order, when `path` is taken. */
export function numbered(path: string, n: number): string {
  const ext = extname(path)
  const stem = basename(path, ext)
  return join(dirname(path), `${stem} (${n})${ext}`)
}

/** Per folder: the fsync running now, and the one queued to run after it. */
const dirSyncs = new Map<string, { running: Promise<void>; next?: Promise<void> }>()

/**
 * Make the folder's entries durable. Calls for one folder share fsyncs (a group commit): a call made while one
 * runs waits for the next, which starts after the running one ends and so after every name the callers linked;
 * everyone who calls meanwhile shares that next one. With eight downloads finishing together into one folder,
 * that is two fsyncs instead of eight, each of which commits the journal.
 */
export function fsyncDir(dir: string): Promise<void> {
  const entry = dirSyncs.get(dir)
  if (entry?.next) return entry.next
  const start = (): Promise<void> => {
    const running = syncDir(dir).finally(() => {
      const now = dirSyncs.get(dir)
      if (now?.running === running && now.next === undefined) dirSyncs.delete(dir)
    })
    dirSyncs.set(dir, { running })
    return running
  }
  if (!entry) return start()
  const next = entry.running.then(start, start)
  entry.next = next
  return next
}

/** A local file failure as data: a full disk is its own code because the UI and CLI treat it differently. */
export function fileError(err: unknown, path: string): PinpointError {
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new PinpointError('DISK_FULL', `disk full writing ${path}`, { cause: code })
  return new PinpointError('FILE_ERROR', `${path}: ${code ?? (err as Error).message}`, { cause: code })
}

/**
 * Finish an interrupted `finalizePart` at its recorded name: idempotent, and it never touches a file that is
 * not ours (a different inode at that name means someone else's file, so the rename is redone elsewhere).
 * Returns the final path, or undefined when the `.part` still needs linking.
 */
export async function completeLink(partPath: string, savedPath: string): Promise<string | undefined> {
  const [part, saved] = await Promise.all([lstatOrUndefined(partPath), lstatOrUndefined(savedPath)])
  if (part && saved && part.ino === saved.ino && part.dev === saved.dev) {
    await unlinkFile(partPath)
    await fsyncDir(dirname(savedPath))
    return savedPath
  }
  // Without hard links: an empty file at the recorded name is the placeholder we reserved (the name is recorded
  // before it is reserved, and a name someone else held would have failed O_EXCL and moved us to the next one).
  if (part?.isFile() && saved?.isFile() && saved.size === 0 && part.dev === saved.dev) {
    await rename(partPath, savedPath)
    await fsyncDir(dirname(savedPath))
    return savedPath
  }
  if (!part && saved?.isFile()) return savedPath
  return undefined
}
