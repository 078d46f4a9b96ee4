import { bytesOf, childrenOf, DerError, encodeTlv, expectTag, oidText, readWhole, valueOf, type Tlv } from './der.ts'

/** The embedded SCT list (RFC 6962 §3.3). */
export const SCT_LIST_OID = '1.3.6.1.4.1.11129.2.4.2'
/** The precertificate poison: a critical extension no TLS client accepts, so a precertificate is never a certificate. */
export const POISON_OID = '1.3.6.1.4.1.11129.2.4.3'

const SEQUENCE = 0x30
const OCTET_STRING = 0x04
const OID = 0x06
const EXTENSIONS = 0xa3
const VERSION = 0xa0

export interface Extension {
  oid: string
  critical: boolean
  /** The extnValue's contents (the DER the extension defines). */
  value: Buffer
}

/** What Certificate Transparency needs of a certificate. */
export interface CertificateParts {
  /** The TBSCertificate TLV as the CA signed it. */
  tbs: Buffer
  /** The DER SubjectPublicKeyInfo. */
  spki: Buffer
  notBefore: Date
  notAfter: Date
  extensions: Extension[]
}

/**
 * The parts of a DER certificate, checked for shape: Certificate is a SEQUENCE of TBSCertificate, algorithm and
 * signature, and TBSCertificate has its fields in their fixed order (RFC 5280 §4.1).
 */
export function certificateParts(der: Uint8Array): CertificateParts {
  const fields = tbsFields(der)
  const { tbsTlv, items } = fields
  const at = items[0]?.tag === VERSION ? 1 : 0
  // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
  if (items.length < at + 6) throw new DerError('TBSCertificate: too few fields')
  const validity = childrenOf(der, expectTag(items[at + 3] as Tlv, SEQUENCE, 'validity'))
  if (validity.length !== 2) throw new DerError('validity: expected notBefore and notAfter')
  const spkiTlv = expectTag(items[at + 5] as Tlv, SEQUENCE, 'subjectPublicKeyInfo')
  const ext = items.find((t) => t.tag === EXTENSIONS)
  return {
    tbs: Buffer.from(bytesOf(der, tbsTlv)),
    spki: Buffer.from(bytesOf(der, spkiTlv)),
    notBefore: timeOf(der, validity[0] as Tlv),
    notAfter: timeOf(der, validity[1] as Tlv),
    extensions: ext ? extensionsOf(der, ext) : [],
  }
}

/**
 * The TBSCertificate with the extensions named in `drop` removed, lengths re-encoded: what a CT log signed for
 * a precertificate (without the poison) is what the final certificate's TBS is without its SCT list.
 * Extensions are kept in their order; an extensions field left empty is left out, as DER has no empty one.
 */
export function tbsWithout(der: Uint8Array, drop: readonly string[]): Buffer {
  const { items } = tbsFields(der)
  const parts: Buffer[] = []
  for (const item of items) {
    if (item.tag !== EXTENSIONS) {
      parts.push(bytesOf(der, item))
      continue
    }
    const list = extensionList(der, item)
    const kept = list.filter((e) => !drop.includes(e.oid)).map((e) => bytesOf(der, e.tlv))
    if (kept.length > 0) parts.push(encodeTlv(EXTENSIONS, [encodeTlv(SEQUENCE, kept)]))
  }
  return encodeTlv(SEQUENCE, parts)
}

function tbsFields(der: Uint8Array): { tbsTlv: Tlv; items: Tlv[] } {
  const cert = expectTag(readWhole(der, 'certificate'), SEQUENCE, 'certificate')
  const top = childrenOf(der, cert)
  if (top.length !== 3) throw new DerError(`certificate: expected 3 fields, found ${top.length}`)
  const tbsTlv = expectTag(top[0] as Tlv, SEQUENCE, 'TBSCertificate')
  return { tbsTlv, items: childrenOf(der, tbsTlv) }
}

function extensionList(der: Uint8Array, wrapper: Tlv): Array<Extension & { tlv: Tlv }> {
  const inner = childrenOf(der, wrapper)
  if (inner.length !== 1) throw new DerError('extensions: expected one SEQUENCE')
  return childrenOf(der, expectTag(inner[0] as Tlv, SEQUENCE, 'extensions')).map((tlv) => {
    const f = childrenOf(der, expectTag(tlv, SEQUENCE, 'extension'))
    const id = expectTag(f[0] ?? missing('extension id'), OID, 'extension id')
    const critical = f.length === 3 && f[1]?.tag === 0x01 && valueOf(der, f[1])[0] !== 0
    const last = f.at(-1)
    if (f.length < 2 || f.length > 3 || !last) throw new DerError('extension: expected 2 or 3 fields')
    const value = expectTag(last, OCTET_STRING, 'extension value')
    return { oid: oidText(valueOf(der, id)), critical, value: Buffer.from(valueOf(der, value)), tlv }
  })
}

function extensionsOf(der: Uint8Array, wrapper: Tlv): Extension[] {
  return extensionList(der, wrapper).map(({ oid, critical, value }) => ({ oid, critical, value }))
}

/** UTCTime or GeneralizedTime, in the only forms RFC 5280 allows (seconds, `Z`). */
function timeOf(der: Uint8Array, tlv: Tlv): Date {
  const text = valueOf(der, tlv).toString('latin1')
  const m =
    tlv.tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : tlv.tag === 0x18
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : null
  if (!m) throw new DerError(`validity: not a UTCTime or GeneralizedTime at byte ${tlv.start}`)
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[]
  const year = tlv.tag === 0x17 ? ((y as number) < 50 ? 2000 + (y as number) : 1900 + (y as number)) : (y as number)
  const date = new Date(Date.UTC(year, (mo as number) - 1, d, h, mi, s))
  if (Number.isNaN(date.getTime())) throw new DerError(`validity: bad date ${text}`)
  return date
}

/** The SCT list bytes (TLS encoding) of a certificate's embedded SCT extension, or undefined without one. */
export function embeddedSctList(parts: CertificateParts): Buffer | undefined {
  const ext = parts.extensions.find((e) => e.oid === SCT_LIST_OID)
  if (!ext) return undefined
  // The extension's value is itself an OCTET STRING wrapping the TLS-encoded list.
  const inner = expectTag(readWhole(ext.value, 'SCT list extension'), OCTET_STRING, 'SCT list extension')
  return Buffer.from(valueOf(ext.value, inner))
}

function missing(what: string): never {
  throw new DerError(`${what}: missing`)
}
