import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createDohClient } from '../../../electron/transport/doh/doh-client.ts'
import { httpRequest } from '../../../electron/transport/http-request.ts'
import { createTransport, type Transport } from '../../../electron/transport/transport.ts'
import type { DnsChoice } from '../../../shared/dns.ts'
import { HostRule, type HostRuleInput } from '../../../shared/domain.ts'
import { isPinpointError, type PinpointError } from '../../../shared/pinpoint-error.ts'
import { answerFor, startDohServer, type DohServer } from '../../fixtures/doh-server.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { refusedPort } from '../../fixtures/silent-listener.ts'
import { startTlsHttpServer, type TlsHttpServer } from '../../fixtures/tls-http-server.ts'
import { startUnboundDoh, type UnboundDoh } from '../../fixtures/unbound.ts'

// DNS over HTTPS against Debian's Unbound (HTTP/2 only), and against a DoH server of our own for the answers a
// real resolver never gives. The DoH server is reached like any host: b.test is its name, its rule gives the
// address, and its certificate chains to the test root, so pins and trust apply to it as to a download.
let pki: Pki
let unbound: UnboundDoh
let origin: TlsHttpServer
const closers: Array<() => Promise<void>> = []

beforeAll(async () => {
  pki = await makePki()
  unbound = await startUnboundDoh({
    cert: pki.bTest,
    records: [
      'a.test. 300 IN A 127.0.0.1',
      'a.test. 300 IN AAAA ::1',
      'alias.test. 60 IN CNAME a.test.',
      'v4only.test. 5 IN A 127.0.0.1',
    ],
  })
  origin = await startTlsHttpServer({
    default: { keyPem: pki.aTest.keyPem, chainPem: pki.aTest.chainPem },
    handler: () => ({ status: 200, body: 'hello over doh' }),
  })
}, 30_000)
afterAll(async () => {
  await Promise.all(closers.map((c) => c()))
  await origin?.close()
  await unbound?.stop()
})

/** A rule that puts the DoH server's name (b.test) on 127.0.0.1. */
const dohHost = (extra: Partial<HostRuleInput> = {}): HostRuleInput => ({
  pattern: 'b.test',
  addresses: ['127.0.0.1'],
  ...extra,
})

function transportWith(rules: HostRuleInput[], dns?: DnsChoice, dohTimeoutMs = 3000): Transport {
  const parsed = rules.map((r) => HostRule.parse(r))
  return createTransport({
    rules: () => parsed,
    ca: [pki.rootPem],
    connectTimeoutMs: 2000,
    dohTimeoutMs,
    ...(dns ? { dns: () => dns } : {}),
  })
}

async function failure(p: Promise<unknown>): Promise<PinpointError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!isPinpointError(err)) throw new Error(`expected a PinpointError, got ${String(err)}`)
  return err
}

async function dohServer(opts: Parameters<typeof startDohServer>[0]): Promise<DohServer> {
  const s = await startDohServer(opts)
  closers.push(() => s.close())
  return s
}

describe('the DoH client against Unbound', () => {
  it('answers A and AAAA over HTTP/2, by GET and by POST', async () => {
    const t = transportWith([dohHost()])
    for (const method of ['GET', 'POST'] as const) {
      const client = createDohClient({ transport: t, url: new URL(unbound.url()), method })
      const a = await client.query('a.test', 'A')
      const aaaa = await client.query('A.TEST.', 'AAAA')
      client.close()
      expect(a.addresses).toEqual([{ address: '127.0.0.1', family: 4, ttl: 300 }])
      expect(aaaa.addresses).toEqual([{ address: '::1', family: 6, ttl: 300 }])
    }
  })

  it('says NXDOMAIN for a name that does not exist, naming the DoH server', async () => {
    const client = createDohClient({ transport: transportWith([dohHost()]), url: new URL(unbound.url()) })
    const err = await failure(client.query('nope.test', 'A'))
    client.close()
    expect(err.code).toBe('DNS_FAILED')
    expect(err.context.cause).toBe('NXDOMAIN')
    expect(err.message).toContain('nope.test does not exist')
    expect(err.message).toContain(unbound.url())
  })

  it('refuses a DoH server whose key does not match its pin, sending it no question', async () => {
    const t = transportWith([dohHost({ pins: [`sha256//${pki.aTest.pin}`] })])
    const client = createDohClient({ transport: t, url: new URL(unbound.url()) })
    const err = await failure(client.query('a.test', 'A'))
    expect(err.code).toBe('DNS_FAILED')
    expect(err.context.cause).toBe('PIN_MISMATCH')
  })
})

describe('connections resolved by DoH', () => {
  it('a download in doh mode connects to the address DoH gave, and its connection says so', async () => {
    const dns: DnsChoice = { mode: 'doh', dohUrl: unbound.url() }
    const t = transportWith([dohHost()], dns)
    const res = await httpRequest(t, { url: new URL(`https://a.test:${origin.port}/file`) })
    expect(Buffer.concat(await res.body.toArray()).toString()).toBe('hello over doh')
    const won = res.connection.attempts.find((a) => a.outcome === 'won')
    expect(won).toMatchObject({ source: 'doh', server: unbound.url() })
    expect(['127.0.0.1', '::1']).toContain(won?.address)
  })

  it('follows a CNAME the server left for the client to resolve', async () => {
    // Unbound answers alias.test with its CNAME only; the address comes from asking for a.test next. The origin's
    // certificate is for a.test, so the rule presents that name.
    const t = transportWith([dohHost(), { pattern: 'alias.test', sni: 'a.test' }], {
      mode: 'doh',
      dohUrl: unbound.url(),
    })
    const res = await httpRequest(t, { url: new URL(`https://alias.test:${origin.port}/`) })
    await res.body.dump()
    expect(res.status).toBe(200)
    expect(res.connection.attempts.find((a) => a.outcome === 'won')?.source).toBe('doh')
  })

  it('keeps answers for their TTL: with the DoH server gone, a cached name still resolves', async () => {
    const server = await startUnboundDoh({ cert: pki.bTest, records: ['a.test. 300 IN A 127.0.0.1'] })
    const t = transportWith([dohHost()], { mode: 'doh', dohUrl: server.url() })
    const first = await httpRequest(t, { url: new URL(`https://a.test:${origin.port}/`) })
    await first.body.dump()
    await server.stop()
    const again = await httpRequest(t, { url: new URL(`https://a.test:${origin.port}/`), headers: {} })
    await again.body.dump()
    expect(again.status).toBe(200)
    // A name never asked before cannot come from the cache, and doh mode never asks the system.
    const err = await failure(httpRequest(t, { url: new URL(`https://localhost:${origin.port}/`) }))
    expect(err.code).toBe('DNS_FAILED')
  })

  it('doh mode never falls back to the system resolver; doh-fallback does when DoH is unreachable, and says so', async () => {
    const dead = `https://b.test:${await refusedPort()}/dns-query`
    // `localhost` is a name the system resolver answers, so only a fallback could connect.
    const url = new URL(`https://localhost:${origin.port}/`)
    const strict = await failure(httpRequest(transportWith([dohHost()], { mode: 'doh', dohUrl: dead }), { url }))
    expect(strict.code).toBe('DNS_FAILED')
    expect(strict.message).toContain(dead)
    expect(strict.context.cause).toBe('CONNECT_REFUSED')

    const t = transportWith([dohHost()], { mode: 'doh-fallback', dohUrl: dead })
    const res = await httpRequest(t, { url }).catch((e: unknown) => e)
    // The certificate is for a.test, not localhost: the TLS check fails after the fallback gave an address.
    const attempts = (res as { attempts?: Array<{ source: string; note?: string }> }).attempts ?? []
    expect(attempts.length).toBeGreaterThan(0)
    expect(attempts[0]?.source).toBe('dns-fallback')
    expect(attempts[0]?.note).toContain('refused')
  })

  it('doh-fallback does not fall back when the DoH server is reached but fails its pin', async () => {
    const t = transportWith([dohHost({ pins: [`sha256//${pki.aTest.pin}`] })], {
      mode: 'doh-fallback',
      dohUrl: unbound.url(),
    })
    const err = await failure(httpRequest(t, { url: new URL(`https://localhost:${origin.port}/`) }))
    expect(err.code).toBe('DNS_FAILED')
    expect(err.context.cause).toBe('PIN_MISMATCH')
  })

  it("a download's own profile picks DoH over the app's system setting", async () => {
    const t = transportWith([dohHost()])
    const conn = await t.connect(new URL(`https://a.test:${origin.port}/`), undefined, {
      fresh: true,
      profile: { rules: [], dns: { mode: 'doh', dohUrl: unbound.url() } },
    })
    conn.socket.destroy()
    expect(conn.info.attempts.find((a) => a.outcome === 'won')?.source).toBe('doh')
  })
})

describe('DoH servers that answer wrongly', () => {
  const cases: Array<[string, Parameters<typeof startDohServer>[0]['answer'], RegExp]> = [
    ['a wrong ID', (q) => ({ kind: 'answer', body: answerFor({ ...q, id: 4242 }, ['127.0.0.1']) }), /ID 4242/],
    [
      'a truncated answer',
      (q) => ({ kind: 'answer', body: answerFor(q, ['127.0.0.1'], { flags: 1 << 9 }) }),
      /truncated/,
    ],
    [
      'an answer to another question',
      (q) => ({ kind: 'answer', body: answerFor({ ...q, name: 'evil.test' }, ['127.0.0.1']) }),
      /another question/,
    ],
    ['garbage', () => ({ kind: 'answer', body: Buffer.from('<html>hello</html>') }), /not a DNS message/],
    [
      'the wrong content type',
      (q) => ({ kind: 'answer', contentType: 'text/html', body: answerFor(q, ['127.0.0.1']) }),
      /text\/html/,
    ],
    ['an HTTP error', () => ({ kind: 'answer', status: 502, body: Buffer.from('bad gateway') }), /HTTP 502/],
    ['a huge answer', () => ({ kind: 'answer', body: Buffer.alloc(200_000, 1) }), /longer than 65535/],
    // The low four bits of the flags are the response code; 2 is SERVFAIL.
    ['SERVFAIL', (q) => ({ kind: 'answer', body: answerFor(q, [], { flags: 0x8180 | 2 }) }), /SERVFAIL/],
    ['silence', () => ({ kind: 'silent' }), /no answer within 500 ms/],
  ]
  for (const http1 of [false, true]) {
    it.each(cases)(
      `${http1 ? 'HTTP/1.1' : 'HTTP/2'}: %s is DNS_FAILED with the reason, never a hang`,
      async (_, answer, why) => {
        const server = await dohServer({ cert: pki.bTest, answer, http1 })
        const client = createDohClient({
          transport: transportWith([dohHost()]),
          url: new URL(server.url()),
          timeoutMs: 500,
        })
        const err = await failure(client.query('a.test', 'A'))
        client.close()
        expect(err.code).toBe('DNS_FAILED')
        expect(err.message).toMatch(why)
        expect(err.message).toContain(server.url())
        expect(server.requests.length).toBeGreaterThan(0)
      },
    )
  }

  it('an HTTP/1.1-only DoH server answers GET and POST through our own HTTP/1.1 client', async () => {
    const server = await dohServer({
      cert: pki.bTest,
      http1: true,
      answer: (q) => ({ kind: 'answer', body: answerFor(q, ['127.0.0.1']) }),
    })
    for (const method of ['GET', 'POST'] as const) {
      const client = createDohClient({ transport: transportWith([dohHost()]), url: new URL(server.url()), method })
      expect((await client.query('a.test', 'A')).addresses[0]?.address).toBe('127.0.0.1')
      client.close()
    }
    expect(server.requests.map((r) => r.method)).toEqual(['GET', 'POST'])
    expect(server.requests.every((r) => r.id === 0 && r.name === 'a.test' && r.type === 'A')).toBe(true)
  })
})
