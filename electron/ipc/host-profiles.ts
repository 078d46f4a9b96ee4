import type { ProfileDiff } from '../../shared/host-profile-diff.ts'
import { HOST_PROFILE_FORMAT, HostProfile, ProfileName, profileText } from '../../shared/host-profile.ts'
import { PinpointError } from '../../shared/pinpoint-error.ts'
import { parsePublicKey, parseSignature, verifySignature, type PublicKey } from '../signatures/minisign.ts'
import { signMinisign, type SecretKey } from '../signatures/minisign-secret-key.ts'
import { joinSignedProfile, splitSignedProfile } from '../signatures/signed-profile.ts'
import { applyProfile, previewProfile } from '../store/apply-profile.ts'
import type { Store } from '../store/open-store.ts'

type ProfileStore = Pick<Store, 'hostRules' | 'profiles' | 'transaction'>

/** A profile whose signature verified, and what importing it would do. */
export interface Inspection {
  readonly profile: HostProfile
  readonly keyId: string
  /** The signing key's minisign public key line. */
  readonly publicKey: string
  /** False the first time a key is seen: importing then needs the user to trust it, by its id. */
  readonly keyTrusted: boolean
  readonly installedVersion: number | undefined
  readonly diff: ProfileDiff
}

/**
 * Verify a profile and compare it with the stored rules; nothing is written.
 *
 * `file` is the one-file form (signature, then JSON) or the JSON alone with `signature` beside it. The key is
 * the trusted one with the signature's id; a key not yet trusted is taken from the profile itself, so the
 * signature is checked either way and the user is asked to trust a key that really signed these bytes. A
 * profile older than the installed version of the same name and key is refused (PROFILE_OLDER): an old
 * profile must not quietly bring back rules the administrator has since replaced.
 */
export function inspectProfile(store: ProfileStore, file: Buffer, detached?: string): Inspection {
  const parts = splitSignedProfile(file)
  const signatureText = parts.signature ?? detached
  if (signatureText === undefined) {
    throw new PinpointError(
      'SIGNATURE_INVALID',
      'the host profile is not signed: expected its minisign signature at the top or in a .minisig file beside it',
    )
  }
  const signature = parseSignature(signatureText)
  const trusted = store.profiles.trustedKeys().find((k) => k.keyId === signature.keyId)
  const key = trusted ? parsePublicKey(trusted.publicKey) : namedKey(parts.json, signature.keyId)
  // Verified before the document is read as a profile: a changed byte is a bad signature, whatever it broke.
  verifySignature(signature, parts.json, [key])
  const profile = parseProfile(parts.json)
  const installedVersion = store.profiles.installedVersion(profile.name, key.id)
  if (installedVersion !== undefined && profile.version < installedVersion) {
    throw new PinpointError(
      'PROFILE_OLDER',
      `host profile "${profile.name}" version ${profile.version} is older than the installed version ${installedVersion}`,
    )
  }
  return {
    profile,
    keyId: key.id,
    publicKey: key.text,
    keyTrusted: trusted !== undefined,
    installedVersion,
    diff: previewProfile(store, profile),
  }
}

/**
 * Verify and apply a profile in one transaction (see applyProfile). A key seen for the first time is trusted
 * only when `trustKey` repeats its id, the user's explicit confirmation; otherwise SIGNATURE_KEY_UNKNOWN names
 * the id to confirm.
 */
export function importProfile(
  store: ProfileStore,
  file: Buffer,
  opts: { signature?: string | undefined; trustKey?: string | undefined; takeProfile?: readonly string[]; now: number },
): Inspection {
  const seen = inspectProfile(store, file, opts.signature)
  if (!seen.keyTrusted && opts.trustKey?.toUpperCase() !== seen.keyId) {
    throw new PinpointError(
      'SIGNATURE_KEY_UNKNOWN',
      `host profile "${seen.profile.name}" is signed by key ${seen.keyId}, which you have not trusted yet; ` +
        `check this id with the profile's administrator, then trust it (--trust-key ${seen.keyId})`,
    )
  }
  const diff = store.transaction(() => {
    if (!seen.keyTrusted) store.profiles.trustKey({ keyId: seen.keyId, publicKey: seen.publicKey }, opts.now)
    return applyProfile(
      store,
      seen.profile,
      { keyId: seen.keyId },
      { takeProfile: opts.takeProfile ?? [], now: opts.now },
    )
  })
  return { ...seen, keyTrusted: true, diff }
}

export interface ExportOptions {
  name: string
  /** Default: one more than the highest version exported under this name (1 the first time). */
  version?: number | undefined
  now: number
  /** Sign with this key; without one, the JSON alone, for `minisign -S` to sign. */
  key?: SecretKey | undefined
  /** For an unsigned export: the public key to name in the profile, so importers can be asked to trust it. */
  publicKey?: PublicKey | undefined
}

/** A profile of every stored rule, as text: signed (one-file form) or the JSON alone. */
export function exportProfile(store: ProfileStore, opts: ExportOptions): { text: Buffer; profile: HostProfile } {
  const named = ProfileName.safeParse(opts.name)
  if (!named.success) {
    throw new PinpointError('BAD_INPUT', `profile name "${opts.name}": ${named.error.issues[0]?.message ?? 'invalid'}`)
  }
  const name = named.data
  const last = store.profiles.lastExportedVersion(name)
  const version = opts.version ?? (last ?? 0) + 1
  const publicKey = opts.key?.publicKey ?? opts.publicKey
  const profile = HostProfile.parse({
    format: HOST_PROFILE_FORMAT,
    name,
    version,
    created: new Date(opts.now).toISOString(),
    ...(publicKey ? { publicKey: publicKey.text } : {}),
    rules: store.hostRules.list(),
  })
  const json = Buffer.from(profileText(profile), 'utf8')
  const text = opts.key ? signProfile(json, profile, opts.key, opts.now) : json
  store.profiles.setExported(name, version)
  return { text, profile }
}

/** A profile's JSON signed with `key`, in the one-file form; the trusted comment names the profile and version. */
export function signProfile(
  json: Buffer,
  profile: { name: string; version: number },
  key: SecretKey,
  now: number,
): Buffer {
  return joinSignedProfile(
    json,
    signMinisign(json, key, {
      trusted: `timestamp:${Math.floor(now / 1000)} profile:${profile.name} version:${profile.version}`,
      untrusted: `pinpoint host profile signature from key ${key.id}`,
    }),
  )
}

/** The public key a profile names for itself, which must be the key that signed it. */
function namedKey(json: Buffer, keyId: string): PublicKey {
  let named: unknown
  try {
    named = (JSON.parse(json.toString('utf8')) as { publicKey?: unknown } | null)?.publicKey
  } catch {
    named = undefined
  }
  const key = typeof named === 'string' ? safePublicKey(named) : undefined
  if (!key) {
    throw new PinpointError(
      'SIGNATURE_KEY_UNKNOWN',
      `the host profile is signed by key ${keyId}, which is not trusted, and it does not carry its public key`,
    )
  }
  if (key.id !== keyId) {
    throw new PinpointError(
      'SIGNATURE_KEY_UNKNOWN',
      `the host profile is signed by key ${keyId}, not by the key it names (${key.id}), and ${keyId} is not trusted`,
    )
  }
  return key
}

function safePublicKey(text: string): PublicKey | undefined {
  try {
    return parsePublicKey(text)
  } catch {
    return undefined
  }
}

function parseProfile(json: Buffer): HostProfile {
  let raw: unknown
  try {
    raw = JSON.parse(json.toString('utf8'))
  } catch (err) {
    throw new PinpointError('BAD_INPUT', `the host profile is not JSON: ${(err as Error).message}`)
  }
  if ((raw as { format?: unknown } | null)?.format !== HOST_PROFILE_FORMAT) {
    throw new PinpointError('BAD_INPUT', `not a host profile of a format this version reads (${HOST_PROFILE_FORMAT})`)
  }
  const parsed = HostProfile.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? `${issue.path.map(String).join('.')}: ` : ''
    throw new PinpointError('BAD_INPUT', `the host profile does not parse: ${where}${issue?.message ?? 'invalid'}`)
  }
  return parsed.data
}
