import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { compareDns } from '../../../electron/transport/dns-compare.ts'
import { createTransport, type Transport } from '../../../electron/transport/transport.ts'
import type { Lookup } from '../../../electron/transport/candidates.ts'
import { HostRule, type HostRuleInput } from '../../../shared/domain.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { startTlsHttpServer, type TlsHttpServer } from '../../fixtures/tls-http-server.ts'
import { startUnboundDoh, type UnboundDoh } from '../../fixtures/unbound.ts'

// The system resolver against DoH, every address checked. The real host (a.test) is on 127.0.0.1 with its own
// certificate, and DoH (Unbound) says so; a "hijacking" system resolver sends a.test to 127.0.0.2, where a
// server on the same port presents a certificate for another name.
let pki: Pki
let unbound: UnboundDoh
let real: TlsHttpServer
let impostor: TlsHttpServer

beforeAll(async () => {
  pki = await makePki()
  unbound = await startUnboundDoh({ cert: pki.bTest, records: ['a.test. 300 IN A 127.0.0.1'] })
  real = await startTlsHttpServer({ default: { keyPem: pki.aTest.keyPem, chainPem: pki.aTest.chainPem } })
  impostor = await startTlsHttpServer({
    host: '127.0.0.2',
    port: real.port,
    default: { keyPem: pki.defaultLeaf.keyPem, chainPem: pki.defaultLeaf.chainPem },
  })
}, 30_000)
afterAll(async () => {
  await impostor?.close()
  await real?.close()
  await unbound?.stop()
})

function transport(system: string[], rules: HostRuleInput[] = []): Transport {
  const lookup: Lookup = async () => system.map((address) => ({ address, family: 4 }))
  const parsed = [{ pattern: 'b.test', addresses: ['127.0.0.1'] }, ...rules].map((r) => HostRule.parse(r))
  return createTransport({ rules: () => parsed, ca: [pki.rootPem], lookup, connectTimeoutMs: 2000 })
}

describe('comparing the system resolver with DoH', () => {
  it('calls it a likely hijack when only the system resolver sends the name somewhere that cannot prove it', async () => {
    const report = await compareDns(transport(['127.0.0.2']), new URL(`https://a.test:${real.port}/`), unbound.url())
    expect(report.verdict).toBe('likely-hijack')
    expect(report.system.addresses).toEqual(['127.0.0.2'])
    expect(report.doh.addresses).toEqual(['127.0.0.1'])
    const byAddress = Object.fromEntries(report.checks.map((c) => [c.address, c]))
    expect(byAddress['127.0.0.2']).toMatchObject({ from: ['system'], verdict: 'wrong-certificate' })
    expect(byAddress['127.0.0.2']?.pin).toBe(`sha256//${pki.defaultLeaf.pin}`)
    expect(byAddress['127.0.0.1']).toMatchObject({
      from: ['doh'],
      verdict: 'verifies',
      pin: `sha256//${pki.aTest.pin}`,
    })
    expect(report.summary).toMatch(/likely hijack: the system resolver sent a\.test to 127\.0\.0\.2/)
  })

  it('different answers are not a hijack when every address proves it is the host', async () => {
    const report = await compareDns(transport(['127.0.0.1']), new URL(`https://a.test:${real.port}/`), unbound.url())
    expect(report.verdict).toBe('consistent')
    expect(report.checks).toEqual([
      expect.objectContaining({ address: '127.0.0.1', from: ['system', 'doh'], verdict: 'verifies' }),
    ])
  })

  it("checks the host's pins at every address: a pin the real server does not match is no proof either", async () => {
    const pinned = transport(['127.0.0.1'], [{ pattern: 'a.test', pins: [`sha256//${pki.bTest.pin}`] }])
    const report = await compareDns(pinned, new URL(`https://a.test:${real.port}/`), unbound.url())
    expect(report.checks[0]).toMatchObject({ verdict: 'wrong-certificate' })
    expect(report.checks[0]?.detail).toMatch(/no pin matches/)
    expect(report.verdict).toBe('inconclusive')
  })

  it("the system resolver's own failure (getaddrinfo's ENOTFOUND) is its answer in the report, not the end of it", async () => {
    // What `dns.lookup` rejects with when the system's resolver says the name does not exist: a resolver that
    // hides a name is one of the answers a comparison is for.
    const lookup: Lookup = async (host) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), {
        code: 'ENOTFOUND',
        syscall: 'getaddrinfo',
        hostname: host,
      })
    }
    const rules = [HostRule.parse({ pattern: 'b.test', addresses: ['127.0.0.1'] })]
    const t = createTransport({ rules: () => rules, ca: [pki.rootPem], lookup, connectTimeoutMs: 2000 })
    const report = await compareDns(t, new URL(`https://a.test:${real.port}/`), unbound.url())
    expect(report.system).toEqual({
      resolver: 'system',
      addresses: [],
      error: { code: 'DNS_FAILED', message: 'could not resolve a.test (ENOTFOUND)' },
    })
    expect(report.doh.addresses).toEqual(['127.0.0.1'])
    expect(report.checks).toEqual([
      expect.objectContaining({ address: '127.0.0.1', from: ['doh'], verdict: 'verifies' }),
    ])
    expect(report.verdict).toBe('inconclusive')
    expect(report.summary).toBe(
      "inconclusive: the system resolver: could not resolve a.test (ENOTFOUND); DoH's 127.0.0.1 verifies as a.test",
    )
  })

  it('a resolver that fails is reported, and the verdict is inconclusive', async () => {
    const report = await compareDns(transport(['127.0.0.1']), new URL(`https://nope.test:${real.port}/`), unbound.url())
    expect(report.doh.error?.message).toContain('nope.test does not exist')
    expect(report.verdict).toBe('inconclusive')
    // The system resolver (the test's lookup) answers 127.0.0.1, which cannot prove it is nope.test.
    expect(report.summary).toBe(`inconclusive: DoH: ${report.doh.error?.message}; no address verifies as nope.test`)
  })
})
