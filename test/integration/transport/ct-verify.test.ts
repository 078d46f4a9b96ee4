import { X509Certificate } from 'node:crypto'

import { beforeAll, describe, expect, it } from 'vitest'

import { certificateParts, POISON_OID, tbsWithout } from '../../../electron/transport/ct/certificate-parts.ts'
import { parseLogList } from '../../../electron/transport/ct/log-list.ts'
import { checkCt } from '../../../electron/transport/ct/verify-scts.ts'
import { issueCtLeaf, makeTestLog, testLogList, type TestLog } from '../../fixtures/ct-pki.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'

const DAY = 24 * 60 * 60 * 1000
let pki: Pki
let logA: TestLog
let logB: TestLog
let logC: TestLog

beforeAll(async () => {
  pki = await makePki()
  logA = makeTestLog('Test Log A', 'Operator One', 'ec')
  logB = makeTestLog('Test Log B', 'Operator Two', 'rsa')
  logC = makeTestLog('Test Log C', 'Operator One', 'ec')
}, 60_000)

const issuerDer = () => new X509Certificate(pki.intermediate.certPem).raw
const list = (logs: TestLog[], at = new Date()) => parseLogList(testLogList(logs, at))
const check = (leaf: Buffer, logs: TestLog[] | undefined, extra: Partial<Parameters<typeof checkCt>[0]> = {}) =>
  checkCt({
    leaf,
    issuer: issuerDer(),
    list: logs ? list(logs) : undefined,
    mode: 'report',
    policy: 'two-operators',
    now: new Date(),
    ...extra,
  })

describe('SCTs embedded by a CA and signed by test logs (openssl-made certificates)', () => {
  it("removing the poison from the precertificate's TBS gives what openssl encodes without it", async () => {
    const leaf = await issueCtLeaf(pki, { name: 'tbs', altNames: ['DNS:ct.test'], scts: [{ log: logA }] })
    expect(certificateParts(leaf.precertDer).extensions.some((e) => e.oid === POISON_OID && e.critical)).toBe(true)
    expect(tbsWithout(leaf.precertDer, [POISON_OID]).equals(leaf.signedTbs)).toBe(true)
    // And the final certificate without its SCT list is the same TBS: that is what makes SCTs verifiable.
    expect(tbsWithout(leaf.finalDer, ['1.3.6.1.4.1.11129.2.4.2']).equals(leaf.signedTbs)).toBe(true)
  })

  it('two valid SCTs (ECDSA and RSA logs) from distinct operators pass', async () => {
    const leaf = await issueCtLeaf(pki, { name: 'ok', altNames: ['DNS:ct.test'], scts: [{ log: logA }, { log: logB }] })
    const r = check(leaf.finalDer, [logA, logB])
    expect(r.verdict).toBe('ok')
    expect(r.scts.map((s) => [s.log, s.operator, s.valid])).toEqual([
      ['Test Log A', 'Operator One', true],
      ['Test Log B', 'Operator Two', true],
    ])
  })

  it('a bad signature does not count, and the policy then fails', async () => {
    const leaf = await issueCtLeaf(pki, {
      name: 'badsig',
      altNames: ['DNS:ct.test'],
      scts: [{ log: logA }, { log: logB, badSignature: true }],
    })
    const r = check(leaf.finalDer, [logA, logB])
    expect(r.scts[1]).toMatchObject({ log: 'Test Log B', valid: false, error: 'bad signature' })
    expect(r.verdict).toBe('failed')
  })

  it('an SCT from a log the list does not know does not count', async () => {
    const stranger = makeTestLog('Stranger', 'Nobody')
    const leaf = await issueCtLeaf(pki, {
      name: 'unknown',
      altNames: ['DNS:ct.test'],
      scts: [{ log: logA }, { log: stranger }],
    })
    const r = check(leaf.finalDer, [logA, logB])
    expect(r.scts[1]).toMatchObject({ log: null, operator: null, valid: false, error: 'unknown log' })
    expect(r.verdict).toBe('failed')
  })

  it('two valid SCTs from one operator fail: the operators must be distinct', async () => {
    const leaf = await issueCtLeaf(pki, {
      name: 'oneop',
      altNames: ['DNS:ct.test'],
      scts: [{ log: logA }, { log: logC }],
    })
    const r = check(leaf.finalDer, [logA, logB, logC])
    expect(r.scts.every((s) => s.valid)).toBe(true)
    expect(r.verdict).toBe('failed')
    expect(r.reason).toContain('2 valid SCTs from 1 operator')
  })

  it("Chrome's policy wants 3 SCTs for a certificate valid over 180 days, 2 up to 180", async () => {
    const scts = [{ log: logA }, { log: logB }]
    const long = await issueCtLeaf(pki, { name: 'long', altNames: ['DNS:ct.test'], scts, days: 200 })
    const short = await issueCtLeaf(pki, { name: 'short', altNames: ['DNS:ct.test'], scts, days: 180 })
    expect(check(long.finalDer, [logA, logB]).verdict).toBe('ok')
    expect(check(long.finalDer, [logA, logB], { policy: 'chrome' }).verdict).toBe('failed')
    expect(check(short.finalDer, [logA, logB], { policy: 'chrome' }).verdict).toBe('ok')
    const three = await issueCtLeaf(pki, {
      name: 'three',
      altNames: ['DNS:ct.test'],
      scts: [...scts, { log: logC }],
      days: 200,
    })
    expect(check(three.finalDer, [logA, logB, logC], { policy: 'chrome' }).verdict).toBe('ok')
  })

  it('a list older than 70 days reports stale instead of passing; no list reports no-log-list', async () => {
    const leaf = await issueCtLeaf(pki, {
      name: 'stale',
      altNames: ['DNS:ct.test'],
      scts: [{ log: logA }, { log: logB }],
    })
    const old = checkCt({
      leaf: leaf.finalDer,
      issuer: issuerDer(),
      list: list([logA, logB], new Date(Date.now() - 71 * DAY)),
      mode: 'enforce',
      policy: 'two-operators',
      now: new Date(),
    })
    expect(old.verdict).toBe('stale')
    expect(old.scts.every((s) => s.valid)).toBe(true)
    const none = check(leaf.finalDer, undefined)
    expect(none.verdict).toBe('no-log-list')
    expect(none.scts).toHaveLength(2)
  })

  it('a future timestamp, a retired log and a wrong issuer each make an SCT not count', async () => {
    const leaf = await issueCtLeaf(pki, {
      name: 'edge',
      altNames: ['DNS:ct.test'],
      scts: [{ log: logA, timestamp: Date.now() + DAY }, { log: logB }],
    })
    const retired = {
      ...logB,
      state: { retired: { timestamp: new Date(Date.now() - 2 * 60 * 60 * 1000).toISOString() } },
    }
    const r = checkCt({
      leaf: leaf.finalDer,
      issuer: issuerDer(),
      list: parseLogList(testLogList([logA, retired])),
      mode: 'report',
      policy: 'two-operators',
      now: new Date(),
    })
    expect(r.scts.map((s) => s.error)).toEqual(['timestamp in the future', 'the log had retired by then'])
    const wrongIssuer = check(leaf.finalDer, [logA, logB], { issuer: new X509Certificate(pki.root.certPem).raw })
    expect(wrongIssuer.scts.map((s) => s.error)).toEqual(['bad signature', 'bad signature'])
  })

  it('a certificate without SCTs fails the policy', () => {
    const r = check(Buffer.from(new X509Certificate(pki.aTest.certPem).raw), [logA, logB])
    expect(r).toMatchObject({ verdict: 'failed', reason: 'the certificate carries no SCTs', scts: [] })
  })
})
