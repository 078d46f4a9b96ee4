import { readFile, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'

import type { z } from 'zod'

import type { HostRule } from '../../shared/domain.ts'
import type { ProfileDiff } from '../../shared/host-profile-diff.ts'
import { ruleKey } from '../../shared/host-profile.ts'
import { exitCodeFor } from '../../shared/errors.ts'
import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'
import type { ProfileCheck, ProfileExport } from '../../shared/profile-ipc.ts'
import { exportProfile, importProfile, inspectProfile, signProfile, type Inspection } from '../ipc/host-profiles.ts'
import { parsePublicKey, type PublicKey } from '../signatures/minisign.ts'
import { parseSecretKey, unlockSecretKey, type SecretKey } from '../signatures/minisign-secret-key.ts'
import { openStore, type Store } from '../store/open-store.ts'
import { connectControl, type ControlClient } from './control-client.ts'
import type { CliIo } from './io.ts'
import { stateDirOf } from './open-engine.ts'
import { readPassphrase } from './passphrase.ts'
import { unreadable } from './unreadable.ts'

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
  const name = flags.name ?? 'default'
  const { text, profile } = await inStoreOrRunning(
    stateDirOf(flags, io),
    (store) => exportProfile(store, { name, version, now: Date.now(), key, publicKey }),
    async (client) => {
      // The running app exports the JSON; the secret key never leaves this process, which signs it here.
      const named = key?.publicKey ?? publicKey
      const answer = await client.request<z.output<typeof ProfileExport>>('profiles:export', {
        name,
        ...(version === undefined ? {} : { version }),
        ...(named ? { publicKey: named.text } : {}),
      })
      if (!answer.ok) throw new PinpointError(answer.error.code, answer.error.message)
      const json = Buffer.from(answer.text, 'utf8')
      const exported = { name, version: answer.version }
      return { text: key ? signProfile(json, exported, key, Date.now()) : json, profile: exported }
    },
  )
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
  return inStoreOrRunning(
    stateDirOf(flags, io),
    (store) => importWith(localProfiles(store), bytes, signature, flags, io),
    (client) => importWith(runningProfiles(client), bytes, signature, flags, io),
  )
}

/** A profile checked against a state folder: what it is, who signed it, and what importing it would change. */
interface Seen {
  name: string
  version: number
  installedVersion: number | null
  keyId: string
  keyTrusted: boolean
  diff: ProfileDiff
}

/** Where a profile is checked and applied: the store itself, or the running app or `serve` that holds it. */
interface Profiles {
  preview(bytes: Buffer, signature: string | undefined): Promise<Seen>
  apply(
    bytes: Buffer,
    opts: { signature: string | undefined; trustKey: string | undefined; take: string[] },
  ): Promise<Seen>
}

function localProfiles(store: Store): Profiles {
  const seen = (i: Inspection): Seen => ({
    name: i.profile.name,
    version: i.profile.version,
    installedVersion: i.installedVersion ?? null,
    keyId: i.keyId,
    keyTrusted: i.keyTrusted,
    diff: i.diff,
  })
  return {
    preview: async (bytes, signature) => seen(inspectProfile(store, bytes, signature)),
    apply: async (bytes, o) =>
      seen(
        importProfile(store, bytes, {
          signature: o.signature,
          trustKey: o.trustKey,
          takeProfile: o.take,
          now: Date.now(),
        }),
      ),
  }
}

function runningProfiles(client: ControlClient): Profiles {
  const seen = (check: ProfileCheck): Seen => {
    if (!check.ok) throw new PinpointError(check.error.code, check.error.message)
    const { ok: _ok, ...rest } = check
    return rest
  }
  const file = (bytes: Buffer, signature: string | undefined) => ({
    text: bytes.toString('utf8'),
    ...(signature === undefined ? {} : { signature }),
  })
  return {
    preview: async (bytes, signature) =>
      seen(await client.request<ProfileCheck>('profiles:preview', file(bytes, signature))),
    apply: async (bytes, o) =>
      seen(
        await client.request<ProfileCheck>('profiles:import', {
          ...file(bytes, o.signature),
          ...(o.trustKey === undefined ? {} : { trustKey: o.trustKey }),
          takeProfile: o.take,
        }),
      ),
  }
}

async function importWith(
  profiles: Profiles,
  bytes: Buffer,
  signature: string | undefined,
  flags: ProfileImportFlags,
  io: CliIo,
): Promise<number> {
  const seen = await profiles.preview(bytes, signature)
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
      `host profile "${seen.name}" is signed by key ${seen.keyId}, which you have not trusted yet; check ` +
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
  const done = await profiles.apply(bytes, { signature, trustKey, take })
  io.stdout(`imported host profile "${done.name}" version ${done.version}\n`)
  return 0
}

/**
 * Run `local` on the state folder's store; when the app or `pinpoint serve` holds the folder, run `remote`
 * through its control socket instead, so the change shows in its views at once.
 */
async function inStoreOrRunning<T>(
  stateDir: string,
  local: (store: Store) => T | Promise<T>,
  remote: (client: ControlClient) => Promise<T>,
): Promise<T> {
  let store: Store
  try {
    store = openStore({ dir: stateDir })
  } catch (err) {
    const client = isPinpointError(err) && err.code === 'STATE_LOCKED' ? await connectControl(stateDir) : undefined
    if (!client) throw err
    try {
      return await remote(client)
    } finally {
      client.close()
    }
  }
  try {
    return await local(store)
  } finally {
    store.close()
  }
}

function printInspection(seen: Seen, io: CliIo): void {
  const { diff } = seen
  const installed = seen.installedVersion === null ? 'not installed' : `installed: ${seen.installedVersion}`
  const key = seen.keyTrusted ? 'a trusted key' : 'a key you have not trusted yet'
  io.stdout(`host profile "${seen.name}" version ${seen.version} (${installed}), signed by ${key}: ${seen.keyId}\n`)
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
    throw new PinpointError('BAD_INPUT', `cannot read ${what} ${path}: ${unreadable(err)}`)
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new PinpointError('BAD_INPUT', `cannot read ${path}: ${unreadable(err)}`)
  }
}
