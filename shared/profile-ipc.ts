import { z } from 'zod'

import { FailureInfo } from './errors.ts'
import { ProfileDiff } from './host-profile-diff.ts'
import {
  MAX_PROFILE_CHARS,
  MAX_PROFILE_RULES,
  MAX_SIGNATURE_CHARS,
  ProfileName,
  ProfileVersion,
  RuleOrigin,
} from './host-profile.ts'

/** A profile file as the user picked or dropped it, and its detached `.minisig` when it came as two files. */
export const ProfileFile = z.strictObject({
  text: z.string().max(MAX_PROFILE_CHARS),
  signature: z.string().max(MAX_SIGNATURE_CHARS).optional(),
})

/** What a verified profile is and would change; or why it was refused (SIGNATURE_INVALID, PROFILE_OLDER…). */
export const ProfileCheck = z.discriminatedUnion('ok', [
  z.strictObject({
    ok: z.literal(true),
    name: z.string(),
    version: z.number().int(),
    keyId: z.string(),
    /** False the first time this key is seen: the user confirms its id before anything is applied. */
    keyTrusted: z.boolean(),
    installedVersion: z.number().int().nullable(),
    diff: ProfileDiff,
  }),
  z.strictObject({ ok: z.literal(false), error: FailureInfo }),
])
export type ProfileCheck = z.output<typeof ProfileCheck>

export const ProfileImportInput = ProfileFile.extend({
  /** The key id the user confirmed; needed when the key is new, and must be the signer's. */
  trustKey: z
    .string()
    .regex(/^[0-9A-Fa-f]{16}$/)
    .optional(),
  /** Conflicts and local edits (rule keys, `pattern:port`) where the profile's rule replaces the user's. */
  takeProfile: z.array(z.string().max(300)).max(MAX_PROFILE_RULES).default([]),
})

/**
 * An unsigned export: the JSON to save and sign outside the app. The app never holds the secret key; the user
 * signs the file with minisign (`command`) and hands out the JSON and its `.minisig`.
 */
export const ProfileExport = z.discriminatedUnion('ok', [
  z.strictObject({
    ok: z.literal(true),
    text: z.string(),
    fileName: z.string(),
    version: z.number().int(),
    command: z.string(),
  }),
  z.strictObject({ ok: z.literal(false), error: FailureInfo }),
])

export const profileRequests = {
  'profiles:preview': { input: ProfileFile, output: ProfileCheck },
  'profiles:import': { input: ProfileImportInput, output: ProfileCheck },
  'profiles:export': {
    input: z.strictObject({
      name: ProfileName,
      version: ProfileVersion.optional(),
      /** The signer's minisign public key (the `.pub` file's text), named in the profile for importers to trust. */
      publicKey: z.string().max(1024).optional(),
    }),
    output: ProfileExport,
  },
  /** Which stored rules came from a profile, and which of those were changed locally since. */
  'profiles:origins': { input: z.strictObject({}), output: z.array(RuleOrigin) },
} as const
