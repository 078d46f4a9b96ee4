import { randomBytes } from 'node:crypto'
import { closeSync, fchmodSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'

import { PinpointError } from '../../shared/pinpoint-error.ts'

export const KEY_FILE = 'secrets.key'
const KEY_BYTES = 32

/**
 * How the desktop app protects the key with the OS (Electron's `safeStorage`: the keychain, DPAPI, the
 * Secret Service). The store never imports electron; main.ts supplies this, and under Node there is none.
 */
export interface KeyWrap {
  wrap(key: Buffer): Buffer
  unwrap(blob: Buffer): Buffer
}

/** What the key file holds: the key itself (0600 is its protection) or the key as the OS wrapped it. */
interface KeyFile {
  version: 1
  wrapped: boolean
  key: string
}

/**
 * The AES-256 key that seals the credentials of the state folder, loaded (or, by a writer, made) on first use
 * only, so a folder without credentials never gets a key file and a command that needs none never reads it.
 *
 * A new key is wrapped when a KeyWrap is given. An existing key is used as it was made: a key the CLI made stays
 * readable by the CLI when the app opens the folder, while one the app wrapped cannot be read without the app.
 */
export function secretKey(dir: string, opts: { keyWrap?: KeyWrap | undefined; create: boolean }): () => Buffer {
  const path = join(dir, KEY_FILE)
  let key: Buffer | undefined
  return () => (key ??= load(path, opts.keyWrap) ?? make(path, opts))
}

function load(path: string, keyWrap: KeyWrap | undefined): Buffer | undefined {
  let raw: string
  try {
    raw = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new PinpointError('FILE_ERROR', `cannot read the credentials key ${path}: ${(err as Error).message}`)
  }
  let file: KeyFile
  try {
    file = JSON.parse(raw) as KeyFile
    if (file.version !== 1 || typeof file.key !== 'string') throw new Error('unknown format')
  } catch (err) {
    throw new PinpointError('FILE_ERROR', `the credentials key ${path} is damaged: ${(err as Error).message}`)
  }
  const stored = Buffer.from(file.key, 'base64')
  if (!file.wrapped) return checked(stored, path)
  if (!keyWrap) {
    throw new PinpointError(
      'FILE_ERROR',
      `the saved credentials are protected by the desktop app (its OS keychain), so only the desktop app can use them; ` +
        'give the URL with its user name and password again to use it here',
    )
  }
  try {
    return checked(keyWrap.unwrap(stored), path)
  } catch (err) {
    if (err instanceof PinpointError) throw err
    throw new PinpointError(
      'FILE_ERROR',
      `the OS could not unlock the credentials key ${path}: ${(err as Error).message}`,
    )
  }
}

function make(path: string, opts: { keyWrap?: KeyWrap | undefined; create: boolean }): Buffer {
  if (!opts.create) throw new PinpointError('FILE_ERROR', `no credentials key ${path} for the saved credentials`)
  const key = randomBytes(KEY_BYTES)
  const file: KeyFile = {
    version: 1,
    wrapped: opts.keyWrap !== undefined,
    key: (opts.keyWrap ? opts.keyWrap.wrap(key) : key).toString('base64'),
  }
  // Written whole and synced under another name first: a crash never leaves a half key that sealed something.
  const tmp = `${path}.tmp`
  const fd = openSync(tmp, 'w', 0o600)
  try {
    // A leftover from a crash keeps its old mode through the open.
    fchmodSync(fd, 0o600)
    writeSync(fd, `${JSON.stringify(file)}\n`)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, path)
  const dirFd = openSync(dirname(path), 'r')
  try {
    fsyncSync(dirFd)
  } finally {
    closeSync(dirFd)
  }
  return key
}

function checked(key: Buffer, path: string): Buffer {
  if (key.length !== KEY_BYTES) throw new PinpointError('FILE_ERROR', `the credentials key ${path} is damaged`)
  return key
}
