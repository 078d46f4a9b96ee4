import { createPublicKey, generateKeyPairSync, sign, X509Certificate } from 'node:crypto'
import { rootCertificates } from 'node:tls'

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import {
  certificateParts,
  embeddedSctList,
  SCT_LIST_OID,
  tbsWithout,
} from '../../../../electron/transport/ct/certificate-parts.ts'
import { childrenOf, DerError, encodeTlv, oidText, readTlv, readWhole } from '../../../../electron/transport/ct/der.ts'
import { GOOGLE_LOG_LIST_KEY } from '../../../../electron/transport/ct/google-log-list-key.ts'
import { logListSignatureValid, parseLogList } from '../../../../electron/transport/ct/log-list.ts'
import { parseSctList, SctParseError } from '../../../../electron/transport/ct/sct-list.ts'
import { checkCt } from '../../../../electron/transport/ct/verify-scts.ts'

/** A root from Node's bundled store: real DER with extensions, made by nobody here, to mutate. */
const rootDer = Buffer.from(new X509Certificate(rootCertificates[0] as string).raw)

/** Only our own errors may come out of the parsers: anything else (a RangeError, a TypeError) is a bug. */
function ownError(err: unknown): boolean {
  return err instanceof DerError || err instanceof SctParseError
}

describe('DER reader', () => {
  it('reads short and long lengths and refuses indefinite, oversized and overrunning ones', () => {
    expect(readTlv(Buffer.from([0x04, 0x02, 1, 2]), 0)).toEqual({ tag: 4, start: 0, valueStart: 2, end: 4 })
    const long = encodeTlv(0x04, [Buffer.alloc(300)])
    expect(readTlv(long, 0)).toMatchObject({ valueStart: 4, end: 304 })
    expect(() => readTlv(Buffer.from([0x30, 0x80, 0, 0]), 0)).toThrow(/indefinite length/)
    expect(() => readTlv(Buffer.from([0x04, 0x85, 1, 1, 1, 1, 1]), 0)).toThrow(/5 bytes long/)
    expect(() => readTlv(Buffer.from([0x04, 0x05, 1]), 0)).toThrow(/claims 5 bytes, past the end/)
    expect(() => readTlv(Buffer.from([0x1f, 0x01, 0]), 0)).toThrow(/multi-byte DER tag/)
    expect(() => readWhole(Buffer.from([0x04, 0x00, 0x00]), 'x')).toThrow(/1 bytes after the DER value/)
  })

  it('decodes object identifiers', () => {
    expect(oidText(Buffer.from('2b06010401d679020402', 'hex'))).toBe(SCT_LIST_OID)
    expect(() => oidText(Buffer.from([0x2b, 0x86]))).toThrow(/truncated/)
  })

  it('on any bytes, returns or throws DerError, and never reads out of bounds', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          const tlv = readTlv(bytes, 0)
          expect(tlv.end).toBeLessThanOrEqual(bytes.length)
          if (tlv.tag & 0x20) for (const c of childrenOf(bytes, tlv)) expect(c.end).toBeLessThanOrEqual(tlv.end)
        } catch (err) {
          if (!ownError(err)) throw err
        }
      }),
      { numRuns: 2000 },
    )
  })

  it('a real certificate with any byte changed, cut short or extended parses or fails with DerError', () => {
    expect(certificateParts(rootDer).spki.length).toBeGreaterThan(50)
    fc.assert(
      fc.property(
        fc.nat({ max: rootDer.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: rootDer.length }),
        (at, value, cut) => {
          const mutated = Buffer.from(rootDer)
          mutated[at] = value
          for (const input of [mutated, mutated.subarray(0, cut), Buffer.concat([mutated, Buffer.from([value])])]) {
            try {
              const parts = certificateParts(input)
              embeddedSctList(parts)
              tbsWithout(input, [SCT_LIST_OID])
            } catch (err) {
              if (!ownError(err)) throw err
            }
          }
        },
      ),
      { numRuns: 1500 },
    )
  })

  it('tbsWithout leaves a TBS without the named extension unchanged, byte for byte', () => {
    const tbs = certificateParts(rootDer).tbs
    expect(tbsWithout(rootDer, [SCT_LIST_OID]).equals(tbs)).toBe(true)
  })
})

describe('SCT list parser', () => {
  const sct = (sigLength = 70) =>
    Buffer.concat([
      Buffer.from([0]),
      Buffer.alloc(32, 7),
      Buffer.from('0000018c00000000', 'hex'),
      Buffer.from([0, 0, 4, 3]),
      Buffer.from([0, sigLength]),
      Buffer.alloc(sigLength, 1),
    ])
  const vec = (b: Buffer) => Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b])

  it('parses a well-formed list and names what is wrong in a bad one', () => {
    const list = vec(Buffer.concat([vec(sct()), vec(sct(64))]))
    const parsed = parseSctList(list)
    expect(parsed).toHaveLength(2)
    expect(parsed[1]).toMatchObject({ version: 0, hashAlgorithm: 4, signatureAlgorithm: 3 })
    expect(parsed[0]?.timestamp).toBe(0x18c00000000)
    expect(() => parseSctList(vec(vec(Buffer.concat([sct(), Buffer.from([9])]))))).toThrow(/SCT 1: 1 bytes left over/)
    expect(() => parseSctList(vec(Buffer.alloc(0)))).toThrow(/no SCTs/)
    expect(() => parseSctList(vec(vec(Buffer.concat([Buffer.from([1]), sct().subarray(1)]))))).toThrow(/not v1/)
    expect(() => parseSctList(Buffer.from([0, 9, 0, 7]))).toThrow(/needs 9 bytes/)
  })

  it('on any bytes, and on any change to a good list, returns SCTs or throws SctParseError', () => {
    const good = vec(Buffer.concat([vec(sct()), vec(sct(72))]))
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.nat({ max: good.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        (random, at, value) => {
          const mutated = Buffer.from(good)
          mutated[at] = value
          for (const input of [Buffer.from(random), mutated]) {
            try {
              for (const s of parseSctList(input)) expect(s.logId).toHaveLength(32)
            } catch (err) {
              if (!ownError(err)) throw err
            }
          }
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('a certificate whose SCT extension is garbage fails the policy with the parser reason, never throwing', () => {
    const garbage = Buffer.from(rootDer)
    const report = checkCt({
      leaf: garbage.subarray(0, 100),
      issuer: undefined,
      list: parseLogList(JSON.stringify({ log_list_timestamp: new Date().toISOString(), operators: [] })),
      mode: 'enforce',
      policy: 'two-operators',
      now: new Date(),
    })
    expect(report.verdict).toBe('failed')
    expect(report.reason).toMatch(/cannot be read: .*DER/)
  })
})

describe('log list', () => {
  it("ships Google's list key as an RSA 4096 public key", () => {
    const key = createPublicKey(GOOGLE_LOG_LIST_KEY)
    expect(key.asymmetricKeyType).toBe('rsa')
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(4096)
  })

  it('verifies a signature over the exact bytes, and rejects a tampered list', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string
    const json = Buffer.from(JSON.stringify({ log_list_timestamp: '2026-01-01T00:00:00Z', operators: [] }))
    const sig = sign('sha256', json, privateKey)
    expect(logListSignatureValid(json, sig, pem)).toBe(true)
    expect(logListSignatureValid(Buffer.concat([json, Buffer.from(' ')]), sig, pem)).toBe(false)
    expect(logListSignatureValid(json, sig, GOOGLE_LOG_LIST_KEY)).toBe(false)
    expect(() => logListSignatureValid(json, sig, 'not a key')).toThrow(/does not parse/)
  })

  it('refuses what is not a v3 list, saying why', () => {
    expect(() => parseLogList('{')).toThrow(/not JSON/)
    expect(() => parseLogList('{"operators": []}')).toThrow(/log_list_timestamp/)
    expect(() => parseLogList('{"log_list_timestamp": "soon", "operators": []}')).toThrow(/valid log_list_timestamp/)
  })
})
