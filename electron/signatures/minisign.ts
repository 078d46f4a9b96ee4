import { createHash, createPublicKey, verify, type Hash, type KeyObject } from 'node:crypto'

import { PinpointError } from '../../shared/pinpoint-error.ts'

/**
 * minisign's formats (and signify's, which minisign's legacy form shares): a public key is `Ed` ‖ key id (8
 * bytes) ‖ Ed25519 key (32); a signature line is the algorithm (`Ed`: over the bytes, `ED`: over their
 * BLAKE2b-512) ‖ key id ‖ signature (64); minisign adds a trusted comment whose "global signature" covers the
 * signature and the comment, so the comment cannot be swapped without the key.
 */
export interface PublicKey {
  /** The key id as minisign prints it: 16 upper-case hex digits, the stored little-endian bytes reversed. */
  readonly id: string
  readonly key: KeyObject
  /** The key in minisign's one-line base64 form, for storing and comparing. */
  readonly text: string
}

export type SignatureAlgorithm = 'Ed' | 'ED'

export interface Signature {
  readonly algorithm: SignatureAlgorithm
  readonly keyId: string
  readonly signature: Buffer
  /** The trusted comment and its global signature; absent in signify's files. */
  readonly trusted?: { readonly comment: string; readonly globalSignature: Buffer }
}

export interface Verified {
  readonly algorithm: SignatureAlgorithm
  readonly keyId: string
  readonly trustedComment?: string
}

const PUBLIC_KEY_BYTES = 42
const SIGNATURE_BYTES = 74
const UNTRUSTED = 'untrusted comment:'
const TRUSTED = 'trusted comment: '

/**
 * A public key from a key file's text (its comment line and key line) or from the bare base64 line alone, as
 * `minisign -P` takes it.
 */
export function parsePublicKey(text: string): PublicKey {
  const lines = contentLines(text)
  const line = lines[0]?.startsWith(UNTRUSTED) ? lines[1] : lines[0]
  const raw = decodeExactly(line, PUBLIC_KEY_BYTES, 'a minisign or signify public key')
  if (raw.subarray(0, 2).toString('latin1') !== 'Ed') {
    throw new PinpointError('BAD_INPUT', 'not an Ed25519 public key (minisign and signify keys start with "Ed")')
  }
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.subarray(10).toString('base64url') },
    format: 'jwk',
  })
  return { id: keyIdText(raw.subarray(2, 10)), key, text: raw.toString('base64') }
}

/** A signature file: minisign's four lines, or signify's two (no trusted comment). */
export function parseSignature(text: string): Signature {
  const lines = contentLines(text)
  const first = lines[0]?.startsWith(UNTRUSTED) ? 1 : 0
  const raw = decodeExactly(lines[first], SIGNATURE_BYTES, 'a minisign or signify signature')
  const algorithm = raw.subarray(0, 2).toString('latin1')
  if (algorithm !== 'Ed' && algorithm !== 'ED') {
    throw new PinpointError('BAD_INPUT', `unknown signature algorithm "${printable(algorithm)}" (expected Ed or ED)`)
  }
  const base = { algorithm, keyId: keyIdText(raw.subarray(2, 10)), signature: Buffer.from(raw.subarray(10)) } as const
  const commentLine = lines[first + 1]
  if (commentLine === undefined) return base
  if (!commentLine.startsWith(TRUSTED)) {
    throw new PinpointError('BAD_INPUT', 'the signature file\'s third line is not a "trusted comment:"')
  }
  const globalSignature = decodeExactly(lines[first + 2], 64, "the trusted comment's signature")
  return { ...base, trusted: { comment: commentLine.slice(TRUSTED.length), globalSignature } }
}

/**
 * The digest a prehashed (`ED`) signature covers, fed as the bytes are written so a downloaded file is not read a
 * second time; the legacy form (`Ed`) signs the bytes themselves and needs them whole.
 */
export function prehash(): Hash {
  return createHash('blake2b512')
}

/**
 * Checks a signature with the keys the user trusts. `message` is the signed bytes, or for an `ED` signature
 * either the bytes or their BLAKE2b-512 digest (`{ digest }`). The key is chosen by the signature's key id; a
 * signature by a key not in `keys` is SIGNATURE_KEY_UNKNOWN, a bad signature or trusted comment is
 * SIGNATURE_INVALID.
 */
export function verifySignature(
  signature: Signature,
  message: Buffer | { readonly digest: Buffer },
  keys: readonly PublicKey[],
): Verified {
  const key = keys.find((k) => k.id === signature.keyId)
  if (!key) {
    const known = keys.length === 0 ? 'no key is configured' : `known: ${keys.map((k) => k.id).join(', ')}`
    throw new PinpointError(
      'SIGNATURE_KEY_UNKNOWN',
      `signed by key ${signature.keyId}, which is not trusted (${known})`,
    )
  }
  let signed: Buffer
  if (Buffer.isBuffer(message)) {
    signed = signature.algorithm === 'ED' ? prehash().update(message).digest() : message
  } else if (signature.algorithm === 'ED') {
    signed = message.digest
  } else {
    throw new Error('verifySignature: a legacy (Ed) signature covers the bytes themselves, not a digest')
  }
  if (!verify(null, signed, key.key, signature.signature)) {
    throw new PinpointError('SIGNATURE_INVALID', `the signature by key ${key.id} does not match these bytes`)
  }
  if (!signature.trusted) return { algorithm: signature.algorithm, keyId: key.id }
  const global = Buffer.concat([signature.signature, Buffer.from(signature.trusted.comment, 'utf8')])
  if (!verify(null, global, key.key, signature.trusted.globalSignature)) {
    throw new PinpointError('SIGNATURE_INVALID', `the trusted comment was changed after key ${key.id} signed it`)
  }
  return { algorithm: signature.algorithm, keyId: key.id, trustedComment: signature.trusted.comment }
}

function contentLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
}

function decodeExactly(line: string | undefined, bytes: number, what: string): Buffer {
  const trimmed = (line ?? '').trim()
  const raw = /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0)
  if (raw.length !== bytes) throw new PinpointError('BAD_INPUT', `not ${what}: expected ${bytes} bytes of base64`)
  return raw
}

/** minisign prints the key id's 8 bytes as a little-endian 64-bit number in hex. */
function keyIdText(id: Buffer): string {
  return Buffer.from(id).reverse().toString('hex').toUpperCase()
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?')
}
