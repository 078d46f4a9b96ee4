import { randomBytes } from 'node:crypto'
import { linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'

import { PinpointError } from '../../shared/pinpoint-error.ts'

export const LOCK_FILE = 'pinpoint.lock'

/** What the lock file holds: enough to tell whether its writer still runs, and to name it in the error. */
export interface LockOwner {
  pid: number
  hostname: string
  startedAt: number
}

export interface StateLock {
  readonly path: string
  readonly owner: LockOwner
  /** Remove the lock file if it is still ours. Safe to call more than once. */
  release(): void
}

/**
 * A lock file whose content does not parse is normally the leftover of a crash or power loss. But a lock file
 * also exists, empty, for the instant between its exclusive create and the write of its content, so one this
 * young is taken as "being written" rather than stale.
 */
const GARBAGE_GRACE_MS = 2_000

type Seen =
  | { kind: 'gone' }
  | { kind: 'garbage'; raw: string; mtimeMs: number }
  | { kind: 'owner'; raw: string; owner: LockOwner }

/**
 * Take `<dir>/pinpoint.lock`, so that one engine at a time owns a state folder.
 *
 * The file is created with O_EXCL and holds `{ pid, hostname, startedAt }`. A lock whose pid is alive on this
 * host, or that was written on another host (whose pids we cannot check), is held: this throws STATE_LOCKED
 * naming the holder. A lock whose pid is gone (ESRCH), or whose content is garbage, is stale and taken over.
 *
 * Taking over is a claim, not a blind delete: the stale file is renamed to a name of our own first (of several
 * processes that judged it stale, only one rename succeeds) and its content compared with what was judged. If
 * another process replaced it with a live lock in between, that lock is linked back in place. Then the lock is
 * created with O_EXCL again, so of two racing processes exactly one wins.
 *
 * A pid reused by an unrelated process after a reboot keeps the lock held until the file is deleted: a false
 * "in use" is recoverable, two engines writing one folder is not.
 */
export function acquireStateLock(dir: string): StateLock {
  const path = join(dir, LOCK_FILE)
  const owner: LockOwner = { pid: process.pid, hostname: hostname(), startedAt: Date.now() }
  let last: Seen = { kind: 'gone' }
  // The first try, one retry after taking over a stale lock, and one more in case the holder let go meanwhile.
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, owner)) return lockOf(path, owner)
    last = look(path)
    if (last.kind === 'gone') continue
    if (!isStale(last)) break
    claimStale(path, last.raw)
  }
  throw lockedError(dir, path, last)
}

function tryCreate(path: string, owner: LockOwner): boolean {
  try {
    writeFileSync(path, `${JSON.stringify(owner)}\n`, { flag: 'wx', mode: 0o600 })
    return true
  } catch (err) {
    if (errno(err) === 'EEXIST') return false
    throw new PinpointError('FILE_ERROR', `cannot create the lock file ${path}: ${(err as Error).message}`)
  }
}

function look(path: string): Seen {
  let raw: string
  let mtimeMs: number
  try {
    mtimeMs = statSync(path).mtimeMs
    raw = readFileSync(path, 'utf8')
  } catch (err) {
    if (errno(err) === 'ENOENT') return { kind: 'gone' }
    throw new PinpointError('FILE_ERROR', `cannot read the lock file ${path}: ${(err as Error).message}`)
  }
  const owner = parseOwner(raw)
  return owner ? { kind: 'owner', raw, owner } : { kind: 'garbage', raw, mtimeMs }
}

function parseOwner(raw: string): LockOwner | undefined {
  try {
    const v = JSON.parse(raw) as Partial<LockOwner> | null
    if (!v || typeof v !== 'object') return undefined
    if (!Number.isSafeInteger(v.pid) || (v.pid as number) <= 0) return undefined
    if (typeof v.hostname !== 'string' || typeof v.startedAt !== 'number') return undefined
    return { pid: v.pid as number, hostname: v.hostname, startedAt: v.startedAt }
  } catch {
    return undefined
  }
}

function isStale(seen: Exclude<Seen, { kind: 'gone' }>): boolean {
  if (seen.kind === 'garbage') return Date.now() - seen.mtimeMs > GARBAGE_GRACE_MS
  if (seen.owner.hostname !== hostname()) return false
  return !isAlive(seen.owner.pid)
}

/** Signal 0 only checks that the process exists; EPERM means it exists but belongs to someone else. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return errno(err) !== 'ESRCH'
  }
}

/**
 * Move the stale lock out of the way, unless what sits at `path` by now is no longer the file we judged.
 *
 * Exported so the interleaving it exists for (another process replaced the file after we judged it) can be
 * tested without racing processes for microseconds.
 */
export function claimStale(path: string, judged: string): void {
  const claimed = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`
  try {
    renameSync(path, claimed)
  } catch (err) {
    if (errno(err) === 'ENOENT') return // another process claimed it first; the O_EXCL create decides
    throw new PinpointError('FILE_ERROR', `cannot remove the stale lock file ${path}: ${(err as Error).message}`)
  }
  let raw: string | undefined
  try {
    raw = readFileSync(claimed, 'utf8')
  } catch {
    raw = undefined
  }
  if (raw !== judged) {
    // We took a lock another process created after we looked: put it back. link() never overwrites, so a
    // third process's newer lock is not clobbered either.
    try {
      linkSync(claimed, path)
    } catch {
      // EEXIST: a newer lock is in place. Anything else (no hard links here): rename it back.
      if (!exists(path)) renameSync(claimed, path)
    }
  }
  try {
    unlinkSync(claimed)
  } catch {
    // Renamed back above, or already gone.
  }
}

function lockOf(path: string, owner: LockOwner): StateLock {
  let released = false
  return {
    path,
    owner,
    release() {
      if (released) return
      released = true
      let seen: Seen
      try {
        seen = look(path)
      } catch {
        return // unreadable now: leave it, the next start judges it
      }
      // Someone may have judged us dead and taken over (a pid check across a suspend, say): leave theirs alone.
      if (seen.kind !== 'owner' || seen.owner.pid !== owner.pid || seen.owner.startedAt !== owner.startedAt) return
      try {
        unlinkSync(path)
      } catch (err) {
        if (errno(err) !== 'ENOENT') throw err
      }
    },
  }
}

function lockedError(dir: string, path: string, seen: Seen): PinpointError {
  if (seen.kind === 'owner') {
    const { pid, hostname: host } = seen.owner
    const holder =
      host === hostname() ? `pid ${pid}` : `pid ${pid} on host ${host}; if it no longer runs there, delete ${path}`
    return new PinpointError('STATE_LOCKED', `state folder ${dir} is in use by another pinpoint (${holder})`)
  }
  return new PinpointError('STATE_LOCKED', `state folder ${dir} is being locked by another pinpoint (${path})`)
}

function exists(path: string): boolean {
  try {
    statSync(path)
    return true
  } catch {
    return false
  }
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code
}
