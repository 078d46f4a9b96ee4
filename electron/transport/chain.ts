import type { DetailedPeerCertificate } from 'node:tls'

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
const pins = new Map<string, string>()
const MAX_PINS = 256

function pinOf(raw: Buffer, fingerprint256: string): string {
  let pin = pins.get(fingerprint256)
  if (pin === undefined) {
    pin = spkiPin(raw)
    if (pins.size >= MAX_PINS) pins.delete(pins.keys().next().value as string)
    pins.set(fingerprint256, pin)
  }
  return pin
}

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
    chain.push({
      subject: distinguishedName(cert.subject),
      issuer: distinguishedName(cert.issuer),
      validFrom: new Date(cert.valid_from).toISOString(),
      validTo: new Date(cert.valid_to).toISOString(),
      spki: pinOf(cert.raw, cert.fingerprint256),
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
