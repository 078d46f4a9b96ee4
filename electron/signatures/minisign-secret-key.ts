import { createPrivateKey, createPublicKey, scrypt, sign, timingSafeEqual, type KeyObject } from 'node:crypto'

import { blake2b } from '@noble/hashes/blake2.js'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import { parsePublicKey, prehash, type PublicKey } from './minisign.ts'

/**
 * minisign's secret key file: a comment line, then base64 of
 * `Ed` ‖ kdf (`Sc` scrypt, or two zero bytes: not encrypted) ‖ `B2` ‖ salt (32) ‖ opslimit (8, LE) ‖
 * memlimit (8, LE) ‖ keynum_sk (104: key id 8 ‖ Ed25519 secret key 64, i.e. seed 32 ‖ public key 32 ‖
 * BLAKE2b-256 checksum 32). An encrypted key's keynum_sk is XORed with 104 bytes of scrypt(passphrase, salt).
 */
export interface LockedSecretKey {
  /** The key id as minisign prints it (16 upper-case hex digits). */
  readonly id: string
  readonly encrypted: boolean
  readonly salt: Buffer
  readonly opslimit: number
  readonly memlimit: number
  /** keynum_sk as stored: still XORed with the scrypt stream when `encrypted`. */
  readonly sealed: Buffer
}

export interface SecretKey {
  readonly id: string
  readonly privateKey: KeyObject
  /** The matching public key, as minisign's `.pub` file would hold it. */
  readonly publicKey: PublicKey
}

const KEY_BYTES = 158
const KEYNUM_BYTES = 104
const UNTRUSTED = 'untrusted comment:'

/** Parse a secret key file; nothing is decrypted yet (see unlockSecretKey). */
export function parseSecretKey(text: string): LockedSecretKey {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
  const line = lines[0]?.startsWith(UNTRUSTED) ? lines[1] : lines[0]
  const raw = /^[A-Za-z0-9+/]+={0,2}$/.test(line ?? '') ? Buffer.from(line ?? '', 'base64') : Buffer.alloc(0)
  if (raw.length !== KEY_BYTES) {
    throw new PinpointError('BAD_INPUT', `not a minisign secret key: expected ${KEY_BYTES} bytes of base64`)
  }
  if (raw.subarray(0, 2).toString('latin1') !== 'Ed') {
    throw new PinpointError('BAD_INPUT', 'not an Ed25519 minisign secret key (it does not start with "Ed")')
  }
  const kdf = raw.subarray(2, 4)
  const encrypted = kdf.toString('latin1') === 'Sc'
  if (!encrypted && (kdf[0] !== 0 || kdf[1] !== 0)) {
    throw new PinpointError('BAD_INPUT', 'unknown key derivation in the minisign secret key (expected scrypt or none)')
  }
  if (raw.subarray(4, 6).toString('latin1') !== 'B2') {
    throw new PinpointError('BAD_INPUT', 'unknown checksum in the minisign secret key (expected BLAKE2b)')
  }
  const opslimit = Number(raw.readBigUInt64LE(38))
  const memlimit = Number(raw.readBigUInt64LE(46))
  const sealed = Buffer.from(raw.subarray(54))
  // The key id is inside keynum_sk, so an encrypted key's id is known only once it is unlocked.
  return {
    id: encrypted ? '' : keyIdText(sealed.subarray(0, 8)),
    encrypted,
    salt: Buffer.from(raw.subarray(6, 38)),
    opslimit,
    memlimit,
    sealed,
  }
}

/**
 * scrypt's N, r and p for libsodium's crypto_pwhash_scryptsalsa208sha256 limits (its `pickparams`), which is
 * how minisign turns opslimit and memlimit into a cost.
 */
export function scryptParams(opslimit: number, memlimit: number): { N: number; r: number; p: number } {
  const ops = Math.max(opslimit, 32768)
  const r = 8
  const memoryBound = ops >= memlimit / 32
  const maxN = memoryBound ? memlimit / (r * 128) : ops / (r * 4)
  let nLog2 = 1
  while (nLog2 < 63 && 2 ** nLog2 <= maxN / 2) nLog2++
  const p = memoryBound ? Math.floor(Math.min(ops / 4 / 2 ** nLog2, 0x3fffffff) / r) : 1
  return { N: 2 ** nLog2, r, p }
}

/** The largest scrypt cost accepted from a key file (minisign's default needs 1 GiB). */
const MAX_SCRYPT_BYTES = 2 ** 31

/**
 * Decrypt (when needed) and check the key. A wrong passphrase shows as a checksum that does not match, which is
 * the only way minisign's format can tell. Unencrypted keys made by `minisign -G -W` carry an all-zero checksum,
 * so for them the check is that the stored public half is the one the seed gives.
 */
export async function unlockSecretKey(key: LockedSecretKey, passphrase?: string): Promise<SecretKey> {
  let keynum = key.sealed
  if (key.encrypted) {
    if (passphrase === undefined) throw new PinpointError('BAD_INPUT', 'this minisign secret key needs its passphrase')
    const { N, r, p } = scryptParams(key.opslimit, key.memlimit)
    const needs = 128 * N * r * p
    if (needs > MAX_SCRYPT_BYTES || p < 1) {
      throw new PinpointError(
        'BAD_INPUT',
        `the secret key asks for an scrypt cost this program refuses (N=${N}, r=${r}, p=${p})`,
      )
    }
    const stream = await new Promise<Buffer>((resolve, reject) =>
      scrypt(passphrase.normalize('NFC'), key.salt, KEYNUM_BYTES, { N, r, p, maxmem: needs + 2 ** 24 }, (err, out) =>
        err ? reject(err) : resolve(out),
      ),
    )
    keynum = Buffer.from(keynum.map((b, i) => b ^ (stream[i] ?? 0)))
  }
  const id = keynum.subarray(0, 8)
  const seed = keynum.subarray(8, 40)
  const publicHalf = keynum.subarray(40, 72)
  const checksum = keynum.subarray(72, 104)
  const zero = checksum.every((b) => b === 0)
  if (key.encrypted || !zero) {
    const expected = Buffer.from(blake2b(Buffer.concat([Buffer.from('Ed'), id, seed, publicHalf]), { dkLen: 32 }))
    if (!timingSafeEqual(expected, checksum)) {
      throw new PinpointError(
        'BAD_INPUT',
        key.encrypted
          ? 'wrong passphrase for the minisign secret key (its checksum does not match)'
          : 'the minisign secret key is damaged (its checksum does not match)',
      )
    }
  }
  const privateKey = createPrivateKey({
    key: {
      kty: 'OKP',
      crv: 'Ed25519',
      d: seed.toString('base64url'),
      x: publicHalf.toString('base64url'),
    },
    format: 'jwk',
  })
  const derived = createPublicKey(privateKey).export({ format: 'jwk' }).x
  if (derived !== publicHalf.toString('base64url')) {
    throw new PinpointError('BAD_INPUT', 'the minisign secret key is damaged: its public half does not match its seed')
  }
  const publicKey = parsePublicKey(Buffer.concat([Buffer.from('Ed'), id, publicHalf]).toString('base64'))
  return { id: publicKey.id, privateKey, publicKey }
}

/** A public key in minisign's `.pub` file form. */
export function publicKeyFile(key: PublicKey): string {
  return `untrusted comment: minisign public key ${key.id}\n${key.text}\n`
}

/**
 * A signature file exactly as `minisign -S` writes one: prehashed (`ED`, Ed25519 over BLAKE2b-512 of the
 * bytes), an untrusted comment, the trusted comment, and the global signature over signature ‖ trusted comment,
 * which binds the comment to the key. Comments are single lines; a line break would change the file's framing.
 */
export function signMinisign(
  message: Buffer,
  key: SecretKey,
  comments: { trusted: string; untrusted?: string },
): string {
  const untrusted = comments.untrusted ?? `signature from minisign secret key ${key.id}`
  if (/[\r\n]/.test(comments.trusted) || /[\r\n]/.test(untrusted)) {
    throw new PinpointError('BAD_INPUT', 'a signature comment must be one line')
  }
  const digest = prehash().update(message).digest()
  const signature = sign(null, digest, key.privateKey)
  const raw = Buffer.from(key.publicKey.text, 'base64')
  const line = Buffer.concat([Buffer.from('ED'), raw.subarray(2, 10), signature]).toString('base64')
  const global = sign(null, Buffer.concat([signature, Buffer.from(comments.trusted, 'utf8')]), key.privateKey)
  return `${UNTRUSTED} ${untrusted}\n${line}\ntrusted comment: ${comments.trusted}\n${global.toString('base64')}\n`
}

function keyIdText(id: Buffer): string {
  return Buffer.from(id).reverse().toString('hex').toUpperCase()
}
