import { randomBytes } from 'node:crypto'
import { closeSync, fchmodSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'

import { PinpointError } from '../../shared/pinpoint-error.ts'

export const KEY_FILE = 'secrets.key'
/** The desktop app's key, wrapped by the OS; kept apart so the CLI's own key stays usable without the app. */
export const OS_KEY_FILE = 'secrets.os.key'
const KEY_BYTES = 32

/**
 * How the desktop app protects its key with the OS (Electron's `safeStorage`: the keychain, DPAPI, the Secret
 * Service). The store never imports electron; main.ts supplies this, and under Node there is none.
 */
export interface KeyWrap {
  wrap(key: Buffer): Buffer
  unwrap(blob: Buffer): Buffer
}

/** Which key sealed a secret: the key file's own (0600 is its protection), or the OS-wrapped one. */
export type KeyKind = 'file' | 'os'

export interface SecretKeys {
  /** The key new credentials are sealed with: the OS-wrapped one when there is a KeyWrap, else the file's. */
  readonly sealing: KeyKind
  key(kind: KeyKind): Buffer
}

/** What a key file holds: the key itself, or the key as the OS wrapped it. */
interface KeyFile {
  version: 1
  wrapped: boolean
  key: string
}

/**
 * The AES-256 keys that seal the credentials of the state folder, each loaded (or, by a writer, made) on first
 * use only, so a folder without credentials never gets a key file and a command that needs none never reads one.
 *
 * The CLI and the app share a state folder. The app seals with a key the OS wraps, which the CLI cannot open;
 * the CLI seals with the plain key file, which the app can open too. So the CLI can always add downloads with
 * credentials, and resumes those the app added only once given their credentials again.
 */
export function secretKeys(dir: string, opts: { keyWrap?: KeyWrap | undefined; create: boolean }): SecretKeys {
  const loaded = new Map<KeyKind, Buffer>()
  const { keyWrap } = opts
  return {
    sealing: keyWrap ? 'os' : 'file',
    key(kind) {
      let key = loaded.get(kind)
      if (key) return key
      if (kind === 'os' && !keyWrap) {
        throw new PinpointError(
          'FILE_ERROR',
          'the credentials of this download were saved by the desktop app, protected by the OS keychain, so ' +
            'only the desktop app can use them; to use them here, give the URL with them again (pinpoint get)',
        )
      }
      const path = join(dir, kind === 'os' ? OS_KEY_FILE : KEY_FILE)
      const wrap = kind === 'os' ? keyWrap : undefined
      key = load(path, wrap) ?? make(path, wrap, opts.create)
      loaded.set(kind, key)
      return key
    },
  }
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
  if (file.wrapped !== (keyWrap !== undefined))
    throw new PinpointError('FILE_ERROR', `the credentials key ${path} is damaged`)
  if (!keyWrap) return checked(stored, path)
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

function make(path: string, keyWrap: KeyWrap | undefined, create: boolean): Buffer {
  if (!create) throw new PinpointError('FILE_ERROR', `no credentials key ${path} for the saved credentials`)
  const key = randomBytes(KEY_BYTES)
  const file: KeyFile = {
    version: 1,
    wrapped: keyWrap !== undefined,
    key: (keyWrap ? keyWrap.wrap(key) : key).toString('base64'),
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
