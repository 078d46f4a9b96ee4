import type { Sct } from './sct-list.ts'

/**
 * The bytes a log signs for an SCT over a precertificate (RFC 6962 §3.2): sct_version, signature_type
 * certificate_timestamp (0), the 8-byte timestamp, entry_type precert_entry (1), the issuer's key hash, the
 * TBSCertificate with a 3-byte length, and the SCT's extensions with a 2-byte length.
 */
export function precertSignedData(sct: Sct, issuerKeyHash: Buffer, tbs: Buffer): Buffer {
  if (issuerKeyHash.length !== 32) throw new RangeError('the issuer key hash is a SHA-256')
  if (tbs.length >= 2 ** 24) throw new RangeError('a TBSCertificate of 16 MiB or more cannot be logged')
  const head = Buffer.alloc(12)
  head.writeUInt8(sct.version, 0)
  head.writeUInt8(0, 1)
  head.writeBigUInt64BE(BigInt(sct.timestamp), 2)
  head.writeUInt16BE(1, 10)
  const tbsLength = Buffer.alloc(3)
  tbsLength.writeUIntBE(tbs.length, 0, 3)
  const extLength = Buffer.alloc(2)
  extLength.writeUInt16BE(sct.extensions.length, 0)
  return Buffer.concat([head, issuerKeyHash, tbsLength, tbs, extLength, sct.extensions])
}
