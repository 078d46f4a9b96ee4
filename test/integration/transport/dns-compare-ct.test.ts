import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { Lookup } from '../../../electron/transport/candidates.ts'
import { installLogList, logListLoader } from '../../../electron/transport/ct/log-list-store.ts'
import { compareDns } from '../../../electron/transport/dns-compare.ts'
import { createTransport, type Transport } from '../../../electron/transport/transport.ts'
import { HostRule } from '../../../shared/domain.ts'
import { issueCtLeaf, makeTestLog, testLogList, type TestLog } from '../../fixtures/ct-pki.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'
import { startTlsHttpServer, type TlsHttpServer } from '../../fixtures/tls-http-server.ts'
import { startUnboundDoh, type UnboundDoh } from '../../fixtures/unbound.ts'

// ct.test's real server (127.0.0.1, where DoH sends it) presents a certificate logged by two operators; the
// address only the system resolver gives (127.0.0.2) presents one for the same name from the same CA, logged by
// one operator only. Under an enforced CT policy, that second certificate proves nothing.
let pki: Pki
let logs: TestLog[]
let unbound: UnboundDoh
let real: TlsHttpServer
let impostor: TlsHttpServer
let stateDir: string

beforeAll(async () => {
  pki = await makePki()
  const [a, b, c] = (logs = [
    makeTestLog('Test Log A', 'Operator One', 'ec'),
    makeTestLog('Test Log B', 'Operator Two', 'ec'),
    makeTestLog('Test Log C', 'Operator One', 'ec'),
  ]) as [TestLog, TestLog, TestLog]
  const [good, oneOperator] = await Promise.all([
    issueCtLeaf(pki, { name: 'good', altNames: ['DNS:ct.test'], scts: [{ log: a }, { log: b }] }),
    issueCtLeaf(pki, { name: 'oneop', altNames: ['DNS:ct.test'], scts: [{ log: a }, { log: c }] }),
  ])
  unbound = await startUnboundDoh({ cert: pki.bTest, records: ['ct.test. 300 IN A 127.0.0.1'] })
  real = await startTlsHttpServer({ default: { keyPem: good.keyPem, chainPem: good.chainPem } })
  impostor = await startTlsHttpServer({
    host: '127.0.0.2',
    port: real.port,
    default: { keyPem: oneOperator.keyPem, chainPem: oneOperator.chainPem },
  })
  stateDir = await makeTempDir('dns-ct-state')
  installLogList(stateDir, testLogList(logs), Buffer.from('sig'), { url: 'https://list.test/x', at: new Date() })
}, 60_000)
afterAll(async () => {
  await impostor?.close()
  await real?.close()
  await unbound?.stop()
})

function transport(ct: 'report' | 'enforce'): Transport {
  const lookup: Lookup = async () => [{ address: '127.0.0.2', family: 4 }]
  const rules = [
    HostRule.parse({ pattern: 'b.test', addresses: ['127.0.0.1'] }),
    HostRule.parse({ pattern: 'ct.test', ct }),
  ]
  return createTransport({
    rules: () => rules,
    ca: [pki.rootPem],
    lookup,
    connectTimeoutMs: 2000,
    ctLogList: logListLoader(stateDir),
  })
}

describe('comparing resolvers under an enforced Certificate Transparency policy', () => {
  it('an address whose certificate fails the policy is a wrong certificate, and counts towards a hijack', async () => {
    const report = await compareDns(transport('enforce'), new URL(`https://ct.test:${real.port}/`), unbound.url())
    const byAddress = Object.fromEntries(report.checks.map((c) => [c.address, c]))
    expect(byAddress['127.0.0.2']).toMatchObject({ from: ['system'], verdict: 'wrong-certificate' })
    expect(byAddress['127.0.0.2']?.detail).toMatch(/Certificate Transparency/)
    expect(byAddress['127.0.0.1']).toMatchObject({ from: ['doh'], verdict: 'verifies' })
    expect(report.verdict).toBe('likely-hijack')
  })

  it('in report mode the same certificate verifies: the policy only refuses where the rule enforces it', async () => {
    const report = await compareDns(transport('report'), new URL(`https://ct.test:${real.port}/`), unbound.url())
    expect(report.checks.every((c) => c.verdict === 'verifies')).toBe(true)
    expect(report.verdict).toBe('consistent')
  })
})
