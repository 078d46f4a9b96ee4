import { PinpointError } from '../../shared/pinpoint-error.ts'
import { parsePublicKey, parseSignature, type PublicKey, type Signature } from './minisign.ts'
import { isArmoredKey, isOpenPgpSignature } from './openpgp.ts'
import { splitEmbedded } from './signify-embedded.ts'

/** What a signature file is, told by its content rather than its name (a `.sig` is signify's or OpenPGP's). */
export type SignatureFile =
  | { readonly kind: 'openpgp'; readonly bytes: Buffer }
  /** minisign (with a trusted comment) or signify (without), detached: it covers the downloaded bytes. */
  | { readonly kind: 'ed25519'; readonly signature: Signature }
  /** signify's embedded form: it covers `message`, a sums list that then vouches for the file. */
  | { readonly kind: 'embedded'; readonly signature: Signature; readonly message: Buffer }

export function classifySignature(bytes: Buffer): SignatureFile {
  if (isOpenPgpSignature(bytes)) return { kind: 'openpgp', bytes }
  const embedded = splitEmbedded(bytes)
  if (embedded) return { kind: 'embedded', ...embedded }
  return { kind: 'ed25519', signature: parseSignature(bytes.toString('utf8')) }
}

export interface PublisherKeys {
  readonly ed25519: PublicKey[]
  /** Armored OpenPGP keys, parsed by openpgp when a signature needs them. */
  readonly openpgp: string[]
}

/** Sort the pinned keys by kind; a key that is neither is BAD_INPUT naming which one. */
export function splitKeys(keys: readonly string[]): PublisherKeys {
  const ed25519: PublicKey[] = []
  const openpgp: string[] = []
  keys.forEach((text, i) => {
    if (isArmoredKey(text)) {
      openpgp.push(text)
      return
    }
    try {
      const key = parsePublicKey(text)
      if (!ed25519.some((k) => k.id === key.id && k.text === key.text)) ed25519.push(key)
    } catch (err) {
      throw new PinpointError('BAD_INPUT', `publisher key ${i + 1}: ${(err as Error).message}`)
    }
  })
  return { ed25519, openpgp }
}
