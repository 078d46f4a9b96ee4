import { z } from 'zod'

import { PinpointError } from './pinpoint-error.ts'

/** Most bytes of a signature, key or sums file kept with a download (and fetched for one). */
export const MAX_SIGNATURE_BYTES = 1024 * 1024

const HttpUrlText = z
  .string()
  .max(8192)
  .refine((s) => /^https?:\/\//i.test(s), { error: 'expected an http:// or https:// URL' })

/** Where a signature or sums file comes from: a URL fetched at verification time, or the file's own bytes. */
export const SignatureSource = z.union([
  z.strictObject({ url: HttpUrlText }),
  /** The bytes, base64: an OpenPGP `.sig` is binary. */
  z.strictObject({ data: z.string().max(Math.ceil(MAX_SIGNATURE_BYTES / 3) * 4), name: z.string().max(255) }),
])
export type SignatureSource = z.output<typeof SignatureSource>

/**
 * What a download must prove before it completes: a detached signature (or `auto`: the sibling `.minisig`,
 * `.sig` or `.asc` of the file's URL) made by one of `keys`, and/or a sums file (SHA256SUMS and friends) with a
 * line for the file. With both, the signature is the sums file's. Stored with the download, so the app or
 * `pinpoint serve` resuming it still verifies.
 */
export const SignatureRequest = z.strictObject({
  signature: z.union([z.literal('auto'), SignatureSource]).optional(),
  /** minisign/signify base64 key lines (or key files) and OpenPGP armored keys; several allow a rotation. */
  keys: z.array(z.string().max(262_144)).max(16).default([]),
  sums: SignatureSource.optional(),
})
export type SignatureRequest = z.output<typeof SignatureRequest>

export const SignatureFormat = z.enum(['minisign', 'signify', 'openpgp'])
export type SignatureFormat = z.output<typeof SignatureFormat>

/** How a download's verification went, kept with it and shown on its row and in its details. */
export const SignatureResult = z.strictObject({
  /** `verified`: a pinned key signed it; `unsigned`: only an unsigned sums file was checked; `failed`: see message. */
  status: z.enum(['verified', 'unsigned', 'failed']),
  format: SignatureFormat.optional(),
  /** minisign's `Ed` (legacy) or `ED` (prehashed), or the OpenPGP public-key algorithm. */
  algorithm: z.string().max(64).optional(),
  /** The signer: minisign/signify's 16 hex digits, or the OpenPGP key id. */
  keyId: z.string().max(128).optional(),
  /** The signature file's name (`release.tar.minisig`, `SHA256.sig`). */
  source: z.string().max(1024).optional(),
  /** OpenPGP: the signing key's user id. */
  signer: z.string().max(1024).optional(),
  /** minisign's trusted comment, which the signature covers. */
  trustedComment: z.string().max(4096).optional(),
  /** The sums file line that matched (`sha256 <hex>`), when one was used. */
  sumsLine: z.string().max(1024).optional(),
  message: z.string().max(4096).optional(),
})
export type SignatureResult = z.output<typeof SignatureResult>

export function serializeSignatureRequest(req: SignatureRequest | undefined): string | null {
  if (!req || (req.signature === undefined && req.sums === undefined)) return null
  return JSON.stringify(SignatureRequest.parse(req))
}

/** A stored request this version cannot read is an error: completing without the check would be worse. */
export function parseSignatureRequest(stored: string | null): SignatureRequest | undefined {
  if (stored === null) return undefined
  try {
    return SignatureRequest.parse(JSON.parse(stored))
  } catch {
    throw new PinpointError('FILE_ERROR', 'this download has signature settings this version cannot read')
  }
}

/** A stored result, or null when it is missing or unreadable (it is only shown, never trusted). */
export function parseSignatureResult(stored: string | null): SignatureResult | null {
  if (stored === null) return null
  try {
    return SignatureResult.parse(JSON.parse(stored))
  } catch {
    return null
  }
}

/** One line about a verification, as the CLI prints it and the UI's row badge titles it. */
export function describeSignature(r: SignatureResult): string {
  if (r.status === 'unsigned') return r.message ?? 'checked against an unsigned sums file'
  if (r.status === 'failed') return `signature check failed: ${r.message ?? 'unknown reason'}`
  const how = [r.format, r.algorithm].filter(Boolean).join(' ')
  const parts = [`signed by ${r.keyId ?? 'an unknown key'}${how ? ` (${how})` : ''}`]
  if (r.signer) parts.push(r.signer)
  if (r.trustedComment !== undefined) parts.push(`trusted comment: ${r.trustedComment}`)
  if (r.sumsLine) parts.push(`listed as ${r.sumsLine}`)
  return parts.join('; ')
}
