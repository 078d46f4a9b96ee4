import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { HostRule, type HostRuleInput } from '../../../shared/domain.ts'
import { createTransport, type Transport } from '../../../electron/transport/transport.ts'
import { httpRequest } from '../../../electron/transport/http-request.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { startTlsHttpServer, type TlsHttpServer } from '../../fixtures/tls-http-server.ts'

let pki: Pki
const servers: TlsHttpServer[] = []

beforeAll(async () => {
  pki = await makePki()
})
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()))
})

async function server(opts: Partial<Parameters<typeof startTlsHttpServer>[0]> = {}) {
  const s = await startTlsHttpServer({
    default: { keyPem: pki.defaultLeaf.keyPem, chainPem: pki.defaultLeaf.chainPem },
    sni: {
      'a.test': { keyPem: pki.aTest.keyPem, chainPem: pki.aTest.chainPem },
      'b.test': { keyPem: pki.bTest.keyPem, chainPem: pki.bTest.chainPem },
      'self.test': { keyPem: pki.selfSigned.keyPem, chainPem: pki.selfSigned.chainPem },
      'expired.test': { keyPem: pki.expired.keyPem, chainPem: pki.expired.chainPem },
    },
    ...opts,
  })
  servers.push(s)
  return s
}

function transportFor(rules: HostRuleInput[], ca = [pki.rootPem]): Transport {
  const parsed = rules.map((r) => HostRule.parse(r))
  return createTransport({ rules: () => parsed, ca, connectTimeoutMs: 3000 })
}

async function get(t: Transport, url: string) {
  const res = await httpRequest(t, { url: new URL(url) })
  const body = Buffer.concat(await res.body.toArray()).toString()
  await res.close()
  return { res, body }
}

describe('names: verified against the logical name, never the IP', () => {
  it('connects to the override address, sends SNI and Host for the name, and records the connection', async () => {
    const s = await server()
    const t = transportFor([{ pattern: 'a.test', addresses: ['127.0.0.1'] }])
    const { res, body } = await get(t, s.url('/x', 'a.test'))
    expect(body).toBe('hello from a.test')
    expect(s.stats.requests.at(-1)?.headers).toMatchObject({
      host: `a.test:${s.port}`,
      'accept-encoding': 'identity',
    })
    expect(res.connection).toMatchObject({
      address: '127.0.0.1',
      servername: 'a.test',
      verified: true,
      alpn: 'http/1.1',
      protocol: 'TLSv1.3',
    })
    expect(res.connection.chain.map((c) => c.spki)).toEqual([pki.aTest.pin, pki.intermediate.pin, pki.root.pin])
  })

  it('an IP URL with an SNI override reaches the named virtual host and verifies that name', async () => {
    const s = await server()
    const t = transportFor([{ pattern: '127.0.0.1', sni: 'b.test' }])
    const { res, body } = await get(t, s.url('/'))
    expect(body).toBe('hello from b.test')
    expect(s.stats.connections.at(-1)?.servername).toBe('b.test')
    expect(s.stats.requests.at(-1)?.headers.host).toBe(`b.test:${s.port}`)
    expect(res.connection.chain[0]?.spki).toBe(pki.bTest.pin)
  })

  it('an IP URL without an override sends no SNI and fails the name check', async () => {
    const s = await server()
    const t = transportFor([])
    await expect(t.connect(new URL(s.url('/')))).rejects.toMatchObject({
      code: 'TLS_NAME_MISMATCH',
      message: expect.stringContaining('no SNI'),
    })
    await s.whenIdle()
    expect(s.stats.tcpConnections).toBe(1)
    expect(s.stats.sniSeen).toEqual([])
    expect(s.stats.totalRequestBytes).toBe(0)
  })

  it('a wrong SNI gets the default certificate and fails with a name mismatch naming the host', async () => {
    const s = await server()
    const t = transportFor([{ pattern: '127.0.0.1', sni: 'nope.test' }])
    const err = await t.connect(new URL(s.url('/'))).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'TLS_NAME_MISMATCH', context: { host: 'nope.test', address: '127.0.0.1' } })
    expect((err as Error).message).toContain('not valid for nope.test')
    expect(s.stats.totalRequestBytes).toBe(0)
  })

  it('an IPv6 listener on [::1] with an SNI override', async () => {
    const s = await server({ host: '::1' })
    const t = transportFor([{ pattern: '::1', sni: 'a.test' }])
    const { res, body } = await get(t, `https://[::1]:${s.port}/`)
    expect(body).toBe('hello from a.test')
    expect(res.connection.address).toBe('::1')
  })
})

describe('chain trust', () => {
  it.each([
    ['self.test', 'TLS_UNTRUSTED'],
    ['expired.test', 'TLS_EXPIRED'],
  ])('%s fails with %s, even when a pin matches it', async (name, code) => {
    const s = await server()
    const leafPin = name === 'self.test' ? pki.selfSigned.pin : pki.expired.pin
    const t = transportFor([{ pattern: name, addresses: ['127.0.0.1'], pins: [leafPin] }])
    await expect(t.connect(new URL(s.url('/', name)))).rejects.toMatchObject({ code })
    expect(s.stats.totalRequestBytes).toBe(0)
  })

  it('a chain from a root that is not trusted fails (the bundled roots do not include the test root)', async () => {
    const s = await server()
    const rules = [HostRule.parse({ pattern: 'a.test', addresses: ['127.0.0.1'] })]
    const t = createTransport({ rules: () => rules, connectTimeoutMs: 3000 })
    await expect(t.connect(new URL(s.url('/', 'a.test')))).rejects.toMatchObject({ code: 'TLS_UNTRUSTED' })
  })

  it('a per-host CA trusts that host only', async () => {
    const s = await server()
    const parsed = [
      HostRule.parse({ pattern: 'a.test', addresses: ['127.0.0.1'], ca: pki.rootPem }),
      HostRule.parse({ pattern: 'b.test', addresses: ['127.0.0.1'] }),
    ]
    const t = createTransport({ rules: () => parsed, connectTimeoutMs: 3000 })
    const conn = await t.connect(new URL(s.url('/', 'a.test')))
    conn.socket.destroy()
    await expect(t.connect(new URL(s.url('/', 'b.test')))).rejects.toMatchObject({ code: 'TLS_UNTRUSTED' })
  })

  it('trust "pin" accepts a self-signed server whose leaf key matches, and reports the chain result', async () => {
    const s = await server()
    const t = transportFor([
      { pattern: 'self.test', addresses: ['127.0.0.1'], pins: [pki.selfSigned.pin], trust: 'pin' },
    ])
    const { res, body } = await get(t, s.url('/', 'self.test'))
    expect(body).toBe('hello from self.test')
    expect(res.connection).toMatchObject({ verified: false, pinned: true, trust: 'pin' })
    expect(res.connection.verifyError).toContain('SELF_SIGNED')
  })

  it('trust "pin" refuses a server whose leaf does not match, with zero request bytes', async () => {
    const s = await server()
    const t = transportFor([{ pattern: 'self.test', addresses: ['127.0.0.1'], pins: [pki.aTest.pin], trust: 'pin' }])
    await expect(t.connect(new URL(s.url('/', 'self.test')))).rejects.toMatchObject({ code: 'PIN_MISMATCH' })
    expect(s.stats.totalRequestBytes).toBe(0)
  })

  it('trust "pin" counts only the leaf: an intermediate pin does not rescue an unverified chain', async () => {
    const s = await server()
    const t = transportFor(
      [{ pattern: 'a.test', addresses: ['127.0.0.1'], pins: [pki.intermediate.pin], trust: 'pin' }],
      [pki.selfSigned.certPem],
    )
    await expect(t.connect(new URL(s.url('/', 'a.test')))).rejects.toMatchObject({ code: 'PIN_MISMATCH' })
  })
})

describe('pins', () => {
  it.each(['TLSv1.2', 'TLSv1.3'] as const)(
    'a mismatch on %s sends zero request bytes and names the presented pin',
    async (v) => {
      const s = await server({ minVersion: v, maxVersion: v })
      const t = transportFor([{ pattern: 'a.test', addresses: ['127.0.0.1'], pins: [pki.bTest.pin] }])
      const err = await httpRequest(t, { url: new URL(s.url('/secret', 'a.test')) }).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'PIN_MISMATCH', context: { host: 'a.test', address: '127.0.0.1' } })
      expect((err as Error).message).toContain(`sha256//${pki.aTest.pin}`)
      await s.whenIdle()
      // The handshake reached the certificate, so the server did see this client; on TLS 1.2 it even completed.
      expect(s.stats.tcpConnections).toBe(1)
      expect(s.stats.sniSeen).toEqual(['a.test'])
      if (v === 'TLSv1.2') expect(s.stats.connections.map((c) => c.protocol)).toEqual([v])
      expect(s.stats.totalRequestBytes).toBe(0)
      expect(s.stats.requests).toHaveLength(0)
    },
  )

  it.each([
    ['leaf', () => pki.aTest.pin],
    ['intermediate', () => pki.intermediate.pin],
    ['root', () => pki.root.pin],
  ])('a %s pin matches anywhere in the verified chain', async (_scope, pin) => {
    const s = await server()
    const t = transportFor([{ pattern: 'a.test', addresses: ['127.0.0.1'], pins: [pin()] }])
    const { res } = await get(t, s.url('/', 'a.test'))
    expect(res.connection.pinned).toBe(true)
  })

  it('one of two pins matching passes (a backup pin)', async () => {
    const s = await server()
    const t = transportFor([{ pattern: 'a.test', addresses: ['127.0.0.1'], pins: [pki.bTest.pin, pki.aTest.pin] }])
    const { body } = await get(t, s.url('/', 'a.test'))
    expect(body).toBe('hello from a.test')
  })

  it('after a leaf key rotation a leaf-only pin fails, while an intermediate or backup pin passes', async () => {
    const rotated = await server({
      sni: { 'a.test': { keyPem: pki.aTestRotated.keyPem, chainPem: pki.aTestRotated.chainPem } },
    })
    const url = rotated.url('/', 'a.test')
    const leafOnly = transportFor([{ pattern: 'a.test', addresses: ['127.0.0.1'], pins: [pki.aTest.pin] }])
    await expect(leafOnly.connect(new URL(url))).rejects.toMatchObject({ code: 'PIN_MISMATCH' })
    for (const pins of [
      [pki.aTest.pin, pki.intermediate.pin],
      [pki.aTest.pin, pki.aTestRotated.pin],
    ]) {
      const t = transportFor([{ pattern: 'a.test', addresses: ['127.0.0.1'], pins }])
      const conn = await t.connect(new URL(url))
      conn.socket.destroy()
    }
  })

  it('report mode connects, sends the request, and reports the mismatch', async () => {
    const s = await server()
    const t = transportFor([{ pattern: 'a.test', addresses: ['127.0.0.1'], pins: [pki.bTest.pin], pinMode: 'report' }])
    const { res, body } = await get(t, s.url('/', 'a.test'))
    expect(body).toBe('hello from a.test')
    expect(res.connection).toMatchObject({ pinned: false, pinMode: 'report', verified: true })
  })

  it('pins for RSA and ECDSA leaves equal the values openssl computes', async () => {
    const s = await server()
    for (const [name, cert] of [
      ['a.test', pki.aTest],
      ['b.test', pki.bTest],
    ] as const) {
      const t = transportFor([{ pattern: name, addresses: ['127.0.0.1'], pins: [cert.pin] }])
      const conn = await t.connect(new URL(s.url('/', name)))
      conn.socket.destroy()
      expect(conn.info.chain[0]?.spki).toBe(cert.pin)
    }
  })

  it.each(['TLSv1.2', 'TLSv1.3'] as const)(
    'on %s a later connection with a wrong pin fails: sessions are never resumed',
    async (v) => {
      const s = await server({ minVersion: v, maxVersion: v })
      const rules: HostRuleInput[] = [{ pattern: 'a.test', addresses: ['127.0.0.1'], pins: [pki.aTest.pin] }]
      let current = rules.map((r) => HostRule.parse(r))
      // No keep-alive: the second request must make a handshake of its own for there to be a session to resume.
      const t = createTransport({ rules: () => current, ca: [pki.rootPem], keepAliveMs: 0 })
      await get(t, s.url('/', 'a.test'))
      await get(t, s.url('/', 'a.test'))
      current = [HostRule.parse({ ...rules[0], pins: [pki.bTest.pin] })]
      await expect(t.connect(new URL(s.url('/', 'a.test')))).rejects.toMatchObject({ code: 'PIN_MISMATCH' })
      await s.whenIdle()
      expect(s.stats.tcpConnections).toBe(3)
      expect(s.stats.connections.map((c) => c.sessionReused).slice(0, 2)).toEqual([false, false])
      if (v === 'TLSv1.2') expect(s.stats.connections.map((c) => c.sessionReused)).toEqual([false, false, false])
      expect(s.stats.requests).toHaveLength(2)
    },
  )
})
