import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { HostRule, type HostRuleInput } from '../../../shared/domain.ts'
import { refusedConnection } from '../../../electron/transport/refused.ts'
import { createTransport, type Transport } from '../../../electron/transport/transport.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { startTlsHttpServer, type TlsHttpServer } from '../../fixtures/tls-http-server.ts'

// A refused handshake keeps what the server presented, so the transfer that failed can show the certificate it
// refused; refusing must still send the server nothing.
let pki: Pki
let s: TlsHttpServer

beforeAll(async () => {
  pki = await makePki()
  s = await startTlsHttpServer({
    default: { keyPem: pki.defaultLeaf.keyPem, chainPem: pki.defaultLeaf.chainPem },
    sni: {
      'a.test': { keyPem: pki.aTest.keyPem, chainPem: pki.aTest.chainPem },
      'self.test': { keyPem: pki.selfSigned.keyPem, chainPem: pki.selfSigned.chainPem },
      'expired.test': { keyPem: pki.expired.keyPem, chainPem: pki.expired.chainPem },
    },
  })
}, 60_000)
afterAll(async () => {
  await s.close()
})

function transportFor(rules: HostRuleInput[]): Transport {
  const parsed = rules.map((r) => HostRule.parse(r))
  return createTransport({ rules: () => parsed, ca: [pki.rootPem], connectTimeoutMs: 3000 })
}

async function refusal(t: Transport, url: string): Promise<{ code: string; err: unknown }> {
  const err = await t.connect(new URL(url)).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeDefined()
  return { code: (err as { code: string }).code, err }
}

describe('a refused handshake records the chain it refused', () => {
  it('a pin mismatch: the presented chain with its pins, pinned false, and zero request bytes', async () => {
    s.reset()
    const t = transportFor([{ pattern: 'a.test', addresses: ['127.0.0.1'], pins: [`sha256//${pki.bTest.pin}`] }])
    const { code, err } = await refusal(t, s.url('/x', 'a.test'))
    expect(code).toBe('PIN_MISMATCH')
    const info = refusedConnection(err)
    expect(info).toMatchObject({
      address: '127.0.0.1',
      servername: 'a.test',
      verified: true,
      pinned: false,
      pinMode: 'enforce',
      protocol: 'TLSv1.3',
      refused: { code: 'PIN_MISMATCH' },
    })
    expect(info?.chain.map((c) => c.spki)).toEqual([pki.aTest.pin, pki.intermediate.pin, pki.root.pin])
    expect(s.stats.totalRequestBytes).toBe(0)
  })

  it('an untrusted self-signed certificate: its chain, the verification error, and zero request bytes', async () => {
    s.reset()
    const t = transportFor([{ pattern: 'self.test', addresses: ['127.0.0.1'] }])
    const { code, err } = await refusal(t, s.url('/x', 'self.test'))
    expect(code).toBe('TLS_UNTRUSTED')
    const info = refusedConnection(err)
    expect(info).toMatchObject({ verified: false, refused: { code: 'TLS_UNTRUSTED' } })
    expect(info?.verifyError).toMatch(/SELF_SIGNED/)
    expect(info?.chain.map((c) => c.spki)).toEqual([pki.selfSigned.pin])
    expect(s.stats.totalRequestBytes).toBe(0)
  })

  it('an expired certificate and a name mismatch are refused as before, with the chain kept', async () => {
    s.reset()
    const t = transportFor([{ pattern: 'expired.test', addresses: ['127.0.0.1'] }])
    const expired = await refusal(t, s.url('/x', 'expired.test'))
    expect(expired.code).toBe('TLS_EXPIRED')
    expect(refusedConnection(expired.err)?.chain[0]?.spki).toBe(pki.expired.pin)
    // An IP URL sends no SNI, gets default.test's certificate, and that is not valid for 127.0.0.1.
    const name = await refusal(transportFor([]), s.url('/x'))
    expect(name.code).toBe('TLS_NAME_MISMATCH')
    expect(refusedConnection(name.err)).toMatchObject({ servername: null, refused: { code: 'TLS_NAME_MISMATCH' } })
    expect(refusedConnection(name.err)?.chain[0]?.spki).toBe(pki.defaultLeaf.pin)
    expect(s.stats.totalRequestBytes).toBe(0)
  })

  it('a refused connection is never a success: an accepted one has no `refused`', async () => {
    const t = transportFor([{ pattern: 'a.test', addresses: ['127.0.0.1'], pins: [`sha256//${pki.aTest.pin}`] }])
    const conn = await t.connect(new URL(s.url('/x', 'a.test')))
    expect(conn.info.refused).toBeUndefined()
    expect(conn.info.pinned).toBe(true)
    conn.socket.destroy()
  })
})
