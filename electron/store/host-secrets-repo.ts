import type { TransferSecrets } from '../../shared/transfer-secrets.ts'
import { isEmptySecrets } from '../../shared/transfer-secrets.ts'
import type { KeyKind, SecretKeys } from './secret-key.ts'
import { sealSecrets, unsealSecrets } from './secrets-repo.ts'
import type { Preparer } from './turn-commit.ts'

/**
 * The credentials a saved host rule sends to its host (Basic or Bearer, secret headers, cookies), sealed like
 * a download's, keyed by the rule's pattern and port (absent = every port). Removing the rule removes them.
 */
export interface HostSecretsRepo {
  /** Replace the rule's secrets; empty ones remove them. The rule must be saved (a foreign key says so). */
  put(pattern: string, port: number | undefined, secrets: TransferSecrets): void
  /** Throws FILE_ERROR when they cannot be opened here. */
  get(pattern: string, port: number | undefined): TransferSecrets | undefined
  remove(pattern: string, port: number | undefined): boolean
}

export function hostSecretsRepo(db: Preparer, keys: SecretKeys): HostSecretsRepo {
  const s = {
    put: db.prepare(
      'INSERT INTO host_rule_secrets (pattern, port, sealed) VALUES (?, ?, ?) ' +
        'ON CONFLICT (pattern, port) DO UPDATE SET sealed = excluded.sealed',
    ),
    get: db.prepare('SELECT sealed FROM host_rule_secrets WHERE pattern = ? AND port = ?'),
    remove: db.prepare('DELETE FROM host_rule_secrets WHERE pattern = ? AND port = ?'),
  }
  // The pattern and port are authenticated with the ciphertext: moved onto another rule, they do not open.
  const aadOf = (pattern: string, port: number) => (kind: KeyKind) =>
    Buffer.from(`pinpoint-host-credentials:v1:${kind}:${pattern}:${port}`)
  return {
    put(pattern, port, secrets) {
      const p = port ?? 0
      if (isEmptySecrets(secrets)) s.remove.run(pattern, p)
      else s.put.run(pattern, p, sealSecrets(keys, aadOf(pattern, p), secrets))
    },
    get(pattern, port) {
      const p = port ?? 0
      const row = s.get.get(pattern, p)
      if (row === undefined) return undefined
      return unsealSecrets(
        keys,
        aadOf(pattern, p),
        Buffer.from(row['sealed'] as Uint8Array),
        `the saved credentials of the host rule ${pattern}${port === undefined ? '' : `:${port}`} cannot be ` +
          'opened (the key file was replaced, or they were tampered with); set them again',
      )
    },
    remove: (pattern, port) => s.remove.run(pattern, port ?? 0).changes > 0,
  }
}
