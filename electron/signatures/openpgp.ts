import { PinpointError } from '../../shared/pinpoint-error.ts'

export interface OpenPgpVerified {
  readonly keyId: string
  /** The OpenPGP public-key algorithm of the signing key (e.g. `eddsaLegacy`, `ed25519`, `rsaEncryptSign`). */
  readonly algorithm: string
  /** The signing key's primary user id, when it has one. */
  readonly signer?: string
}

const ARMORED_KEY = '-----BEGIN PGP PUBLIC KEY BLOCK-----'
const ARMORED_SIGNATURE = '-----BEGIN PGP SIGNATURE-----'

export function isArmoredKey(text: string): boolean {
  return text.trimStart().startsWith(ARMORED_KEY)
}

/** An armored signature, or a binary one: its first packet a signature packet (tag 2) in either header format. */
export function isOpenPgpSignature(bytes: Buffer): boolean {
  if (bytes.subarray(0, 64).toString('latin1').trimStart().startsWith(ARMORED_SIGNATURE)) return true
  const b = bytes[0]
  if (b === undefined || (b & 0x80) === 0) return false
  const tag = b & 0x40 ? b & 0x3f : (b >> 2) & 0x0f
  return tag === 2
}

/**
 * Checks an OpenPGP detached signature over `message` (the bytes, or a stream of them, read once) with the
 * armored keys the user pinned. A signature by none of them is SIGNATURE_KEY_UNKNOWN; a bad signature, and a
 * signing key that is expired or revoked now (even if it was valid when it signed), are SIGNATURE_INVALID with
 * that reason. openpgp is loaded only here, on first use.
 */
export async function verifyOpenPgp(
  signatureBytes: Buffer,
  message: Uint8Array | ReadableStream<Uint8Array>,
  armoredKeys: readonly string[],
  now: Date = new Date(),
): Promise<OpenPgpVerified> {
  const openpgp = await import('openpgp')
  const keys = await Promise.all(
    armoredKeys.map((armoredKey) =>
      openpgp.readKey({ armoredKey }).catch((err: unknown) => {
        throw new PinpointError('BAD_INPUT', `not an OpenPGP public key: ${(err as Error).message}`)
      }),
    ),
  )
  const armored = signatureBytes.subarray(0, 64).toString('latin1').trimStart().startsWith(ARMORED_SIGNATURE)
  const signature = await (
    armored
      ? openpgp.readSignature({ armoredSignature: signatureBytes.toString('utf8') })
      : openpgp.readSignature({ binarySignature: new Uint8Array(signatureBytes) })
  ).catch((err: unknown) => {
    throw new PinpointError('BAD_INPUT', `not an OpenPGP signature: ${(err as Error).message}`)
  })
  const issuers = signature.getSigningKeyIDs().map((k) => k.toHex().toUpperCase())
  const key = keys.find((k) => k.getKeyIDs().some((id) => issuers.includes(id.toHex().toUpperCase())))
  if (!key) {
    const known = keys.length === 0 ? 'no OpenPGP key is configured' : `known: ${keys.map(keyIdOf).join(', ')}`
    throw new PinpointError(
      'SIGNATURE_KEY_UNKNOWN',
      `signed by OpenPGP key ${issuers.join(', ') || '(no issuer)'}, which is not trusted (${known})`,
    )
  }
  const result = await openpgp.verify({
    message: await openpgp.createMessage({ binary: message }),
    signature,
    verificationKeys: [key],
    format: 'binary',
    date: now,
  })
  // A streamed message is hashed as it is read: the data must be drained before the outcome is known.
  const data = result.data as unknown
  if (data instanceof ReadableStream) {
    const reader = (data as ReadableStream<Uint8Array>).getReader()
    while (!(await reader.read()).done);
  }
  const first = result.signatures[0]
  if (!first) throw new PinpointError('SIGNATURE_INVALID', 'the OpenPGP file holds no signature over data')
  const keyId = first.keyID.toHex().toUpperCase()
  try {
    await first.verified
  } catch (err) {
    throw new PinpointError('SIGNATURE_INVALID', `OpenPGP signature by key ${keyId}: ${(err as Error).message}`)
  }
  // The library accepts a key that was valid when it signed; a key its owner has since revoked, or that has
  // expired, no longer vouches for anything.
  try {
    await key.getSigningKey(first.keyID, now)
  } catch (err) {
    throw new PinpointError(
      'SIGNATURE_INVALID',
      `OpenPGP key ${keyId} cannot be trusted now: ${(err as Error).message}`,
    )
  }
  const user = await key.getPrimaryUser(now).catch(() => undefined)
  const signer = user?.user.userID?.userID
  const algorithm = String(key.getAlgorithmInfo().algorithm)
  return { keyId, algorithm, ...(signer ? { signer } : {}) }
}

function keyIdOf(key: { getKeyID(): { toHex(): string } }): string {
  return key.getKeyID().toHex().toUpperCase()
}
