import { createHash, X509Certificate } from 'node:crypto'

/**
 * The SPKI pin of a certificate: base64 SHA-256 of its DER SubjectPublicKeyInfo.
 *
 * This is the value curl and openssl compute. Node's `cert.pubkey` is only the SPKI for RSA (for ECDSA it is
 * the bare EC point), so the key is re-exported as SPKI DER instead of hashing `pubkey`.
 */
export function spkiPin(der: Buffer): string {
  const spki = new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(spki).digest('base64')
}
