import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import type { Credentials } from '../../shared/url-credentials.ts'
import type { Preparer } from './turn-commit.ts'

/**
 * The credentials of each download, sealed with AES-256-GCM under the state folder's key (see secret-key.ts):
 * the one place a password is kept, so nothing else (the URL columns, events, views) ever holds one.
 */
export interface SecretsRepo {
  /** Keep (or replace) the credentials of a transfer. */
  put(transferId: number, credentials: Credentials): void
  /** The transfer's credentials, or undefined when it has none; throws FILE_ERROR when they cannot be opened. */
  get(transferId: number): Credentials | undefined
  remove(transferId: number): boolean
}

const IV_BYTES = 12
const TAG_BYTES = 16

/** `sealed` is iv ‖ tag ‖ ciphertext of the credentials' JSON. */
export function secretsRepo(db: Preparer, key: () => Buffer): SecretsRepo {
  const s = {
    put: db.prepare(
      'INSERT INTO secrets (transfer_id, sealed) VALUES (?, ?) ON CONFLICT (transfer_id) DO UPDATE SET sealed = excluded.sealed',
    ),
    get: db.prepare('SELECT sealed FROM secrets WHERE transfer_id = ?'),
    remove: db.prepare('DELETE FROM secrets WHERE transfer_id = ?'),
  }
  return {
    put: (transferId, credentials) => void s.put.run(transferId, seal(key(), transferId, credentials)),
    get(transferId) {
      const row = s.get.get(transferId)
      if (row === undefined) return undefined
      return unseal(key(), transferId, row['sealed'] as Uint8Array)
    },
    remove: (transferId) => s.remove.run(transferId).changes > 0,
  }
}

/**
 * The transfer id is authenticated with the ciphertext, so sealed credentials copied onto another transfer's
 * row do not open there.
 */
export function seal(key: Buffer, transferId: number, credentials: Credentials): Buffer {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(aad(transferId))
  const body = JSON.stringify({ username: credentials.username, password: credentials.password })
  const data = Buffer.concat([cipher.update(body, 'utf8'), cipher.final()])
  return Buffer.concat([iv, cipher.getAuthTag(), data])
}

function unseal(key: Buffer, transferId: number, sealed: Uint8Array): Credentials {
  try {
    const buf = Buffer.from(sealed)
    const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, IV_BYTES))
    decipher.setAAD(aad(transferId))
    decipher.setAuthTag(buf.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
    const body = Buffer.concat([decipher.update(buf.subarray(IV_BYTES + TAG_BYTES)), decipher.final()])
    const v = JSON.parse(body.toString('utf8')) as Credentials
    return { username: String(v.username), password: String(v.password) }
  } catch {
    throw new PinpointError(
      'FILE_ERROR',
      `the saved credentials of download ${transferId} cannot be opened (the key file was replaced, or they were ` +
        'tampered with); give the URL with its user name and password again',
    )
  }
}

function aad(transferId: number): Buffer {
  return Buffer.from(`pinpoint-credentials:v1:${transferId}`)
}
