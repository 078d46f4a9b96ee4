import { constants } from 'node:fs'
import { lstat, mkdir, open } from 'node:fs/promises'
import { dirname } from 'node:path'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import { makeToken } from './security.ts'

/** The token file's name in the state folder, when `--token-file` names no path. */
export const TOKEN_FILE = 'serve-token'

/** A token someone wrote by hand must still be hard to guess: 32 characters of base64url are 192 bits. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{32,256}$/

/**
 * The token kept in `path`, made (256 random bits, mode 0600) when the file does not exist yet, so the URL
 * `serve` prints stays the same across restarts.
 *
 * The file is a password to every download the server can start, so it is refused rather than used when anyone
 * else could have read or replaced it: a symbolic link (it could point at a file another user controls), not a
 * regular file, readable or writable by group or others, or owned by another user. Windows has no such modes;
 * there the file's folder (the per-user state folder) is what protects it.
 */
export async function tokenFromFile(path: string): Promise<string> {
  const refuse = (why: string): never => {
    throw new PinpointError('BAD_INPUT', `--token-file: ${path} ${why}`)
  }
  const info = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined
    return refuse(`cannot be read: ${err.code ?? err.message}`)
  })
  if (info === undefined) {
    const made = await create(path)
    if (made !== undefined) return made
  } else if (info.isSymbolicLink()) {
    refuse('is a symbolic link; give the file itself')
  } else if (!info.isFile()) {
    // Checked before the open: opening a FIFO would wait for a writer for ever.
    refuse('is not a regular file')
  }
  // O_NOFOLLOW: a symlink swapped in after the lstat above fails the open instead of being followed.
  const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(
    (err: NodeJS.ErrnoException) =>
      err.code === 'ELOOP' || err.code === 'EMLINK'
        ? refuse('is a symbolic link; give the file itself')
        : refuse(`cannot be read: ${err.code ?? err.message}`),
  )
  try {
    const st = await file.stat()
    if (!st.isFile()) refuse('is not a regular file')
    if (process.platform !== 'win32') {
      if ((st.mode & 0o077) !== 0) {
        const mode = (st.mode & 0o777).toString(8).padStart(4, '0')
        refuse(
          `can be read or written by other users (mode ${mode}); run chmod 600 on it, or delete it for a new token`,
        )
      }
      const uid = process.getuid?.()
      if (uid !== undefined && st.uid !== uid) refuse(`belongs to another user (uid ${st.uid})`)
    }
    const token = (await file.readFile('utf8')).trim()
    if (token === '') refuse('is empty; delete it and a new token is made')
    if (!TOKEN_SHAPE.test(token)) {
      refuse('does not hold a token (32 to 256 characters of A-Z, a-z, 0-9, - and _); delete it for a new one')
    }
    return token
  } finally {
    await file.close()
  }
}

/** Make the file with a fresh token, or undefined when another process made it first (then it is read). */
async function create(path: string): Promise<string | undefined> {
  // The default path is in the state folder, which may not exist before the store first opens it (also 0700).
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW
  const file = await open(path, flags, 0o600).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST') return undefined
    throw new PinpointError('BAD_INPUT', `--token-file: cannot create ${path}: ${err.code ?? err.message}`)
  })
  if (file === undefined) return undefined
  const token = makeToken()
  try {
    await file.writeFile(`${token}\n`)
    await file.sync()
  } finally {
    await file.close()
  }
  return token
}
