import { z } from 'zod'

import { HostRule } from './domain.ts'

/** The `format` every host profile carries; a different one is not a Pinpoint host profile (or a newer format). */
export const HOST_PROFILE_FORMAT = 'pinpoint-host-profile/1'

/** The most rules a profile may carry, and the largest profile text read. */
export const MAX_PROFILE_RULES = 2000
export const MAX_PROFILE_CHARS = 4 * 1024 * 1024
/** A minisign signature file is four short lines. */
export const MAX_SIGNATURE_CHARS = 4096

export const ProfileName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, {
    message: 'a profile name is letters, digits, spaces, dots, dashes and underscores',
  })

export const ProfileVersion = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)

/** The minisign public key line (base64 of 42 bytes) of the key that signs the profile. */
const PublicKeyLine = z.string().regex(/^[A-Za-z0-9+/]{56}$/, { message: 'expected a minisign public key line' })

/**
 * A host profile: the host rules an administrator prepared, named and versioned, to be signed (minisign, with a
 * detached signature over these exact bytes) and imported by a team.
 *
 * `rules` are HostRules as the schema defines them, so every field a rule can have travels with it; a rule the
 * importing version cannot read fails the whole import rather than arriving weakened. `publicKey` names the
 * signing key, so an importer can be asked to trust it by its id the first time.
 */
export const HostProfile = z.strictObject({
  format: z.literal(HOST_PROFILE_FORMAT),
  name: ProfileName,
  version: ProfileVersion,
  /** When it was exported, ISO 8601. */
  created: z.iso.datetime(),
  publicKey: PublicKeyLine.optional(),
  rules: z.array(HostRule).max(MAX_PROFILE_RULES),
})
export type HostProfile = z.output<typeof HostProfile>

/** Where a stored rule came from: the profile's name and version, and the rule as that profile gave it. */
export const RuleOrigin = z.strictObject({
  pattern: z.string(),
  port: z.number().int().optional(),
  profile: z.string(),
  version: z.number().int(),
  /** The rule differs from what the profile gave: a local edit, kept apart from the profile's. */
  changedLocally: z.boolean(),
})
export type RuleOrigin = z.output<typeof RuleOrigin>

/** One rule's identity in a rule set: its pattern and port (`*` for every port). */
export function ruleKey(rule: { pattern: string; port?: number | undefined }): string {
  return `${rule.pattern}:${rule.port ?? '*'}`
}

/** The profile as text, the bytes that are signed: one JSON document, ending in a newline. */
export function profileText(profile: HostProfile): string {
  return `${JSON.stringify(profile, null, 2)}\n`
}
