import { readFile, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'

import type { HostRule } from '../../shared/domain.ts'
import type { ProfileDiff } from '../../shared/host-profile-diff.ts'
import { ruleKey } from '../../shared/host-profile.ts'
import { exitCodeFor } from '../../shared/errors.ts'
import { PinpointError } from '../../shared/pinpoint-error.ts'
import { exportProfile, importProfile, inspectProfile, type Inspection } from '../ipc/host-profiles.ts'
import { parsePublicKey, type PublicKey } from '../signatures/minisign.ts'
import { parseSecretKey, unlockSecretKey, type SecretKey } from '../signatures/minisign-secret-key.ts'
import { openStore } from '../store/open-store.ts'
import type { CliIo } from './io.ts'
import { stateDirOf } from './open-engine.ts'
import { readPassphrase } from './passphrase.ts'

export interface ProfileExportFlags {
  stateDir?: string
  name?: string
  version?: string
  sign?: string
  publicKey?: string
  output?: string
}

/**
 * `pinpoint profile export`: every stored host rule as a named, versioned profile. With `--sign KEY` (a minisign
 * secret key file) it is signed in the one-file form; without, it is the JSON alone, for `minisign -S`.
 */
export async function profileExportCommand(flags: ProfileExportFlags, io: CliIo): Promise<number> {
  const version = flags.version === undefined ? undefined : parseVersion(flags.version)
  if (flags.sign && flags.publicKey) {
    throw new PinpointError('BAD_INPUT', '--public-key is for an unsigned export; --sign names its own key')
  }
  const key = flags.sign ? await loadSecretKey(resolve(io.cwd, flags.sign), io) : undefined
  const publicKey = flags.publicKey ? await loadPublicKey(resolve(io.cwd, flags.publicKey)) : undefined
  const store = openStore({ dir: stateDirOf(flags, io) })
  try {
    const { text, profile } = exportProfile(store, {
      name: flags.name ?? 'default',
      version,
      now: Date.now(),
      key,
      publicKey,
    })
    if (flags.output) {
      await writeFile(resolve(io.cwd, flags.output), text, { flag: 'w' })
      io.stderr(`pinpoint: wrote host profile "${profile.name}" version ${profile.version} to ${flags.output}\n`)
    } else {
      io.stdout(text.toString('utf8'))
    }
    if (!key) {
      io.stderr(
        `pinpoint: the profile is not signed; sign it with: minisign -S -s <secret key> -m ${flags.output ?? '<file>'}\n`,
      )
    }
    return 0
  } finally {
    store.close()
  }
}

export interface ProfileImportFlags {
  stateDir?: string
  signature?: string
  trustKey?: string
  yes?: boolean
  dryRun?: boolean
  takeProfile?: string[]
}

/**
 * `pinpoint profile import FILE`: verify, show what changes, and apply in one transaction once confirmed (by
 * `--yes` or at the terminal). A key seen for the first time needs `--trust-key ID` or a yes at the terminal.
 * `--dry-run` only shows. The signature is the file's first four lines, or `FILE.minisig` (or `--signature`).
 */
export async function profileImportCommand(file: string, flags: ProfileImportFlags, io: CliIo): Promise<number> {
  if (flags.yes && flags.dryRun) throw new PinpointError('BAD_INPUT', '--yes and --dry-run are opposites')
  const path = resolve(io.cwd, file)
  const bytes = await readInput(path, 'the host profile')
  const signature = flags.signature
    ? (await readInput(resolve(io.cwd, flags.signature), 'the signature')).toString('utf8')
    : await readOptional(`${path}.minisig`)
  const store = openStore({ dir: stateDirOf(flags, io) })
  try {
    const seen = inspectProfile(store, bytes, signature)
    printInspection(seen, io)
    const take = takenKeys(seen.diff, flags.takeProfile ?? [])
    if (flags.dryRun) return 0
    let trustKey = flags.trustKey
    if (!seen.keyTrusted && trustKey === undefined && io.confirm) {
      if (await io.confirm(`trust key ${seen.keyId} for host profiles? [y/N] `)) trustKey = seen.keyId
      else {
        io.stdout('nothing imported\n')
        return 0
      }
    }
    if (!seen.keyTrusted && trustKey?.toUpperCase() !== seen.keyId) {
      throw new PinpointError(
        'SIGNATURE_KEY_UNKNOWN',
        `host profile "${seen.profile.name}" is signed by key ${seen.keyId}, which you have not trusted yet; check ` +
          `this id with the profile's administrator, then run again with --trust-key ${seen.keyId}`,
      )
    }
    const confirmed = flags.yes || (io.confirm !== undefined && (await io.confirm('apply these changes? [y/N] ')))
    if (!confirmed) {
      if (io.confirm) {
        io.stdout('nothing imported\n')
        return 0
      }
      io.stderr('pinpoint: nothing imported: stdin is not a terminal to ask on; pass --yes to apply\n')
      return exitCodeFor('BAD_INPUT')
    }
    const done = importProfile(store, bytes, { signature, trustKey, takeProfile: take, now: Date.now() })
    io.stdout(`imported host profile "${done.profile.name}" version ${done.profile.version}\n`)
    return 0
  } finally {
    store.close()
  }
}

function printInspection(seen: Inspection, io: CliIo): void {
  const { profile, diff } = seen
  const installed = seen.installedVersion === undefined ? 'not installed' : `installed: ${seen.installedVersion}`
  const key = seen.keyTrusted ? 'a trusted key' : 'a key you have not trusted yet'
  io.stdout(
    `host profile "${profile.name}" version ${profile.version} (${installed}), signed by ${key}: ${seen.keyId}\n`,
  )
  for (const r of diff.added) io.stdout(`  + added    ${describe(r)}\n`)
  for (const c of diff.changed) io.stdout(`  ~ changed  ${describe(c.after)} (was ${summary(c.before)})\n`)
  for (const r of diff.removed) io.stdout(`  - removed  ${describe(r)}\n`)
  for (const c of diff.conflicts) {
    const theirs = c.profile ? `the profile has ${summary(c.profile)}` : 'the profile removes it'
    io.stdout(
      `  ! conflict ${c.key}: kept as yours (${summary(c.local)}); ${theirs}; --take-profile ${c.key} takes the profile's\n`,
    )
  }
  for (const k of diff.keptLocal) {
    io.stdout(`  = changed locally, kept: ${k}; --take-profile ${k} takes the profile's\n`)
  }
  const none = diff.added.length + diff.changed.length + diff.removed.length + diff.conflicts.length === 0
  io.stdout(`  ${diff.unchanged} unchanged${none ? '; nothing to change' : ''}\n`)
}

function describe(rule: HostRule): string {
  return `${ruleKey(rule)} ${summary(rule)}`
}

/** The rule's fields other than its pattern and port, as compact JSON. */
function summary(rule: HostRule): string {
  const { pattern: _pattern, port: _port, ...rest } = rule
  return JSON.stringify(rest)
}

function takenKeys(diff: ProfileDiff, keys: readonly string[]): string[] {
  const conflicts = new Set([...diff.conflicts.map((c) => c.key), ...diff.keptLocal])
  for (const k of keys) {
    if (!conflicts.has(k)) {
      const known = [...conflicts].join(', ') || 'none'
      throw new PinpointError(
        'BAD_INPUT',
        `--take-profile ${k}: not a conflict or local edit of this import (those: ${known})`,
      )
    }
  }
  return [...keys]
}

function parseVersion(text: string): number {
  const n = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
    throw new PinpointError('BAD_INPUT', `--version ${text}: expected a whole number from 1`)
  }
  return n
}

async function loadSecretKey(path: string, io: CliIo): Promise<SecretKey> {
  const locked = parseSecretKey((await readInput(path, 'the secret key')).toString('utf8'))
  const passphrase = locked.encrypted ? await readPassphrase(`passphrase for ${path}: `, io) : undefined
  return unlockSecretKey(locked, passphrase)
}

async function loadPublicKey(path: string): Promise<PublicKey> {
  return parsePublicKey((await readInput(path, 'the public key')).toString('utf8'))
}

async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (err) {
    throw new PinpointError('BAD_INPUT', `cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`)
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new PinpointError('BAD_INPUT', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`)
  }
}
