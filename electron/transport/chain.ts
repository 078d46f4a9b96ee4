import type { DetailedPeerCertificate } from 'node:tls'

import { boundedMemo } from './memo.ts'
import { spkiPin } from './spki.ts'

/** One certificate of a presented chain, as shown by `probe` and recorded with every connection. */
export interface ChainCert {
  subject: string
  issuer: string
  validFrom: string
  validTo: string
  /** The SPKI pin, bare base64 (shown as `sha256//…`). */
  spki: string
  fingerprint256: string
}

/**
 * SPKI pins by certificate fingerprint (SHA-256 of the whole DER, so one fingerprint is one certificate and one
 * key). Parsing and re-exporting the key costs a fraction of a millisecond per certificate, per connection; a
 * list of small files from one server presents the same chain a thousand times.
 */
const pins = boundedMemo<string>(256)

/**
 * The chain from the leaf up, following issuer links.
 *
 * Node links each certificate to the one that actually issued it (from the peer's list or the trust store), so
 * after a successful verification this is the verified path: an unrelated certificate the server appends to its
 * list is never walked, and so can never satisfy a pin.
 */
export function chainOf(leaf: DetailedPeerCertificate | undefined): ChainCert[] {
  const chain: ChainCert[] = []
  const seen = new Set<string>()
  let cert = leaf
  while (cert && cert.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256)
    const raw = cert.raw
    chain.push({
      subject: distinguishedName(cert.subject),
      issuer: distinguishedName(cert.issuer),
      validFrom: new Date(cert.valid_from).toISOString(),
      validTo: new Date(cert.valid_to).toISOString(),
      spki: pins(cert.fingerprint256, () => spkiPin(raw)),
      fingerprint256: cert.fingerprint256,
    })
    cert = cert.issuerCertificate
  }
  return chain
}

function distinguishedName(name: Record<string, string | string[] | undefined> | undefined): string {
  if (!name) return ''
  return Object.entries(name)
    .filter((entry): entry is [string, string | string[]] => entry[1] !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ')
}
