import { lstat, mkdir, realpath, stat } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'

import { MAX_SUB_FOLDER_CHARS } from '../../shared/ipc.ts'
import { PinpointError } from '../../shared/pinpoint-error.ts'

/** Most folder levels a named sub-folder may have: deeper is a typo or an attack, not a download folder. */
const MAX_DEPTH = 32
/** The longest folder name common file systems take (ext4, APFS, NTFS). */
const MAX_NAME_BYTES = 255

/**
 * The folder's real path if it lies inside one of the roots (themselves resolved), else an error.
 *
 * Real paths on both sides, so neither a symlink inside a root nor `..` can lead a download elsewhere.
 */
export async function confineToRoots(path: string, roots: readonly string[]): Promise<string> {
  let real: string
  try {
    real = await realpath(resolve(path))
  } catch {
    throw new PinpointError('FILE_ERROR', `the folder ${path} does not exist`)
  }
  for (const root of roots) {
    const base = await realpath(root).catch(() => undefined)
    if (base !== undefined && inside(real, base)) return real
  }
  throw new PinpointError('OUTSIDE_ROOTS', `the folder ${path} is outside every --root folder of this server`)
}

/**
 * The check the engine and the queue run right before each use of a folder: every open of a `.part`, every
 * finalize (link or rename) and every delete. The check at add time is not enough: a folder inside a root can be
 * swapped for a symlink leading out after it, and the state folder holds transfers that other runs (other
 * roots, the desktop app, the CLI) put anywhere. So the folder itself must not be a symlink (a swap makes one;
 * the folders serve names are real paths) and its real path must lie inside a root.
 *
 * What remains is the window between this check and the operation that follows it, a few system calls long:
 * someone who can write in a root and swaps a folder within it lands that one operation outside. Closing it
 * needs an open relative to a held folder handle that refuses symlinks on the way (openat2 with
 * RESOLVE_BENEATH), which Node does not offer.
 */
export function confineAtUse(roots: readonly string[]): (dir: string) => Promise<void> {
  return async (dir) => {
    const info = await lstat(dir).catch(() => undefined)
    if (info?.isSymbolicLink()) {
      throw new PinpointError('OUTSIDE_ROOTS', `the folder ${dir} is now a symbolic link; refusing to follow it`)
    }
    await confineToRoots(dir, roots)
  }
}

/**
 * The folder names of `sub`, a path relative to a root as a person types it, or BAD_INPUT saying what is wrong.
 *
 * Both `/` and `\` separate names (the server may be Windows, the typist may be used to it); empty names and
 * `.` are dropped and names are trimmed, so `a//b/` and ` a / b` mean `a/b`. Anything that could step out of
 * the root or confuse a file system is refused rather than cleaned, so what is created is what was typed.
 */
export function splitSubFolder(sub: string): string[] {
  const refuse = (message: string): never => {
    throw new PinpointError('BAD_INPUT', message)
  }
  if (sub.length > MAX_SUB_FOLDER_CHARS) refuse(`a sub-folder is at most ${MAX_SUB_FOLDER_CHARS} characters long`)
  if (sub.includes('\0')) refuse('a folder name cannot contain a NUL byte')
  if (/[\u0001-\u001f\u007f]/.test(sub)) refuse('a folder name cannot contain control characters (tabs, line breaks)')
  const trimmed = sub.trim()
  if (isAbsolute(trimmed) || /^[\\/]/.test(trimmed) || /^[A-Za-z]:/.test(trimmed)) {
    refuse('give a folder inside the root (like isos/2024), not an absolute path')
  }
  const names = trimmed
    .split(/[\\/]+/)
    .map((name) => name.trim())
    .filter((name) => name !== '' && name !== '.')
  for (const name of names) {
    if (name === '..') refuse('".." is not allowed: the folder must stay inside the root')
    if (Buffer.byteLength(name) > MAX_NAME_BYTES) {
      refuse(`the folder name "${name.slice(0, 24)}…" is longer than ${MAX_NAME_BYTES} bytes`)
    }
  }
  if (names.length > MAX_DEPTH) refuse(`a sub-folder is at most ${MAX_DEPTH} folders deep`)
  return names
}

/**
 * The real path of `sub` inside `root`, creating the folders that are missing: how a browser names a download
 * folder on the server.
 *
 * The path is walked one name at a time. A name that exists is followed to its real path, which must lie inside
 * a root before anything is created under it, so a symlink leading out never gets a folder made at its far end;
 * a symlink to another root is fine, as `confineToRoots` allows it for downloads too.
 */
export async function nameSubFolder(root: string, sub: string, roots: readonly string[]): Promise<string> {
  const names = splitSubFolder(sub)
  let here = await confineToRoots(root, roots)
  for (const name of names) {
    const next = join(here, name)
    let info = await lstat(next).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined
      throw new PinpointError('FILE_ERROR', `cannot look at the folder ${next}: ${err.code ?? err.message}`)
    })
    if (info === undefined) {
      await mkdir(next).catch((err: NodeJS.ErrnoException) => {
        // Someone else made it in between: fine, it is checked like any existing one below.
        if (err.code !== 'EEXIST') {
          throw new PinpointError('FILE_ERROR', `cannot create the folder ${next}: ${err.code ?? err.message}`)
        }
      })
      info = await lstat(next)
    }
    here = info.isSymbolicLink() ? await confineToRoots(next, roots) : next
    if (!(await stat(here)).isDirectory()) throw new PinpointError('FILE_ERROR', `${next} is a file, not a folder`)
  }
  return confineToRoots(here, roots)
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}
