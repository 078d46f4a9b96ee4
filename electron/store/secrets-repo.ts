import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import { isEmptySecrets, TransferSecrets } from '../../shared/transfer-secrets.ts'
import type { Credentials } from '../../shared/url-credentials.ts'
import type { KeyKind, SecretKeys } from './secret-key.ts'
import type { Preparer } from './turn-commit.ts'

/**
 * The credentials of each download, sealed with AES-256-GCM under the state folder's key (see secret-key.ts):
 * the one place a password, a token, a secret header or a cookie is kept, so nothing else (the URL columns,
 * events, views) ever holds one.
 */
export interface SecretsRepo {
  /** Keep (or replace) the Basic credentials of a transfer; its other secrets stay. */
  put(transferId: number, credentials: Credentials): void
  /** The transfer's Basic credentials, or undefined when it has none; throws FILE_ERROR when they cannot be opened. */
  get(transferId: number): Credentials | undefined
  /** Replace every secret of a transfer; empty ones remove the row. */
  putAll(transferId: number, secrets: TransferSecrets): void
  /** Every secret of a transfer, or undefined when it has none; throws FILE_ERROR when they cannot be opened. */
  getAll(transferId: number): TransferSecrets | undefined
  remove(transferId: number): boolean
}

const IV_BYTES = 12
const TAG_BYTES = 16
/** The first byte of a sealed value: which key sealed it. */
const KIND_BYTE: Record<KeyKind, number> = { file: 1, os: 2 }

/**
 * `ownsTable`: no other process writes this table while the repo lives (the writer holding the state folder's
 * lock). The ids that have a row are then read once and kept here, so the many transfers without secrets (most
 * of a list of plain URLs) are answered without a statement.
 */
export function secretsRepo(db: Preparer, keys: SecretKeys, opts: { ownsTable?: boolean } = {}): SecretsRepo {
  const s = {
    put: db.prepare(
      'INSERT INTO secrets (transfer_id, sealed) VALUES (?, ?) ON CONFLICT (transfer_id) DO UPDATE SET sealed = excluded.sealed',
    ),
    get: db.prepare('SELECT sealed FROM secrets WHERE transfer_id = ?'),
    remove: db.prepare('DELETE FROM secrets WHERE transfer_id = ?'),
    ids: db.prepare('SELECT transfer_id FROM secrets'),
  }
  // Every id that may have a row: added to before each put and never taken from, so it stays a superset even
  // when a put or a delete is rolled back, or a transfer's row (and, by cascade, its secrets) is deleted. An id
  // in it without a row only costs the read this set saves.
  let withRow: Set<number> | undefined
  const known = () => (withRow ??= new Set(s.ids.all().map((r) => Number(r['transfer_id']))))
  const mayHave = (transferId: number): boolean => !opts.ownsTable || known().has(transferId)
  const getAll = (transferId: number): TransferSecrets | undefined => {
    if (!mayHave(transferId)) return undefined
    const row = s.get.get(transferId)
    if (row === undefined) return undefined
    return unseal(keys, transferId, Buffer.from(row['sealed'] as Uint8Array))
  }
  const putAll = (transferId: number, secrets: TransferSecrets): void => {
    if (isEmptySecrets(secrets)) s.remove.run(transferId)
    else {
      if (opts.ownsTable) known().add(transferId)
      s.put.run(transferId, seal(keys, transferId, secrets))
    }
  }
  return {
    put: (transferId, credentials) =>
      putAll(transferId, { ...getAll(transferId), username: credentials.username, password: credentials.password }),
    get(transferId) {
      const all = getAll(transferId)
      if (all?.username === undefined && all?.password === undefined) return undefined
      return { username: all.username ?? '', password: all.password ?? '' }
    },
    putAll,
    getAll,
    remove: (transferId) => s.remove.run(transferId).changes > 0,
  }
}

/**
 * The transfer id and the key's kind are authenticated with the ciphertext, so sealed credentials copied onto
 * another transfer's row do not open there.
 */
export function seal(keys: SecretKeys, transferId: number, credentials: TransferSecrets): Buffer {
  return sealSecrets(keys, (kind) => aad(kind, transferId), credentials)
}

function unseal(keys: SecretKeys, transferId: number, sealed: Buffer): TransferSecrets {
  return unsealSecrets(
    keys,
    (kind) => aad(kind, transferId),
    sealed,
    `the saved credentials of download ${transferId} cannot be opened (the key file was replaced, or they were ` +
      'tampered with); remove the download and add its URL again',
  )
}

/** `sealed` is kind ‖ iv ‖ tag ‖ ciphertext of the secrets' JSON; `aadOf` names what they belong to. */
export function sealSecrets(keys: SecretKeys, aadOf: (kind: KeyKind) => Buffer, secrets: TransferSecrets): Buffer {
  const kind = keys.sealing
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', keys.key(kind), iv)
  cipher.setAAD(aadOf(kind))
  const body = JSON.stringify(TransferSecrets.parse(secrets))
  const data = Buffer.concat([cipher.update(body, 'utf8'), cipher.final()])
  return Buffer.concat([Buffer.of(KIND_BYTE[kind]), iv, cipher.getAuthTag(), data])
}

/** Throws FILE_ERROR with `failure` when they do not open (another key, another owner, tampered). */
export function unsealSecrets(
  keys: SecretKeys,
  aadOf: (kind: KeyKind) => Buffer,
  sealed: Buffer,
  failure: string,
): TransferSecrets {
  const kind = (Object.keys(KIND_BYTE) as KeyKind[]).find((k) => KIND_BYTE[k] === sealed[0])
  // Outside the try: a key that cannot be had (the app's, in the CLI) says so itself.
  const key = kind ? keys.key(kind) : undefined
  try {
    if (!kind || !key) throw new Error('unknown key')
    const buf = sealed.subarray(1)
    const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, IV_BYTES))
    decipher.setAAD(aadOf(kind))
    decipher.setAuthTag(buf.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
    const body = Buffer.concat([decipher.update(buf.subarray(IV_BYTES + TAG_BYTES)), decipher.final()])
    // What an older version sealed ({ username, password }) is a TransferSecrets too.
    return TransferSecrets.parse(JSON.parse(body.toString('utf8')))
  } catch {
    throw new PinpointError('FILE_ERROR', failure)
  }
}

function aad(kind: KeyKind, transferId: number): Buffer {
  return Buffer.from(`pinpoint-credentials:v1:${kind}:${transferId}`)
}
