import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { HostRule, type HostRuleInput } from '../../../shared/domain.ts'
import type { Lookup } from '../../../electron/transport/candidates.ts'
import type { AttemptRecord } from '../../../electron/transport/connection-info.ts'
import { createTransport } from '../../../electron/transport/transport.ts'
import { httpRequest } from '../../../electron/transport/http-request.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { startSilentListener, type SilentListener } from '../../fixtures/silent-listener.ts'
import { startTlsHttpServer, type TlsHttpServer } from '../../fixtures/tls-http-server.ts'

// Every address here is loopback: 127.0.0.0/8 is all local on Linux, so a "dead node" is a listener on
// 127.0.0.2 that never answers, and a refusing node is 127.0.0.3 where nothing listens on that port.
let pki: Pki
let live: TlsHttpServer
let silent: SilentListener

beforeAll(async () => {
  pki = await makePki()
  live = await startTlsHttpServer({
    default: { keyPem: pki.defaultLeaf.keyPem, chainPem: pki.defaultLeaf.chainPem },
    sni: { 'a.test': { keyPem: pki.aTest.keyPem, chainPem: pki.aTest.chainPem } },
  })
  silent = await startSilentListener('127.0.0.2', live.port)
})
afterAll(async () => {
  await live.close()
  await silent.close()
})

function transport(rule: Partial<HostRuleInput>, extra: { lookup?: Lookup; timeoutMs?: number } = {}) {
  const rules = [HostRule.parse({ pattern: 'a.test', ...rule })]
  return createTransport({
    rules: () => rules,
    ca: [pki.rootPem],
    connectTimeoutMs: extra.timeoutMs ?? 5000,
    ...(extra.lookup ? { lookup: extra.lookup } : {}),
  })
}

const url = () => new URL(live.url('/', 'a.test'))
const byAddress = (attempts: AttemptRecord[], address: string) => attempts.find((a) => a.address === address)

describe('candidate racing (RFC 8305)', () => {
  it('a node that accepts TCP but never speaks TLS costs one stagger, not a timeout', async () => {
    const t = transport({ addresses: ['127.0.0.2', '127.0.0.1'] })
    const conn = await t.connect(url())
    conn.socket.destroy()
    expect(conn.info.address).toBe('127.0.0.1')
    const dead = byAddress(conn.info.attempts, '127.0.0.2')
    const good = byAddress(conn.info.attempts, '127.0.0.1')
    expect(dead?.outcome).toBe('abandoned')
    expect(good?.outcome).toBe('won')
    // Started on the 250 ms stagger, long before the dead node's 5 s timeout would have released it.
    expect(good?.startedMs).toBeGreaterThanOrEqual(200)
    expect(good?.startedMs).toBeLessThan(2000)
  })

  it('a refused node hands over at once, without waiting for the stagger', async () => {
    const t = transport({ addresses: ['127.0.0.3', '127.0.0.1'] })
    const conn = await t.connect(url())
    conn.socket.destroy()
    expect(byAddress(conn.info.attempts, '127.0.0.3')).toMatchObject({
      outcome: 'failed',
      error: { code: 'CONNECT_REFUSED' },
    })
    expect(byAddress(conn.info.attempts, '127.0.0.1')?.startedMs).toBeLessThan(200)
  })

  it('remembers the winner per host, so the next connection tries it first', async () => {
    const t = transport({ addresses: ['127.0.0.2', '127.0.0.1'] })
    ;(await t.connect(url())).socket.destroy()
    const second = await t.connect(url())
    second.socket.destroy()
    expect(second.info.attempts[0]).toMatchObject({
      address: '127.0.0.1',
      outcome: 'won',
      startedMs: expect.any(Number),
    })
    expect(second.info.attempts).toHaveLength(1)
  })

  it('when every node fails, the error says so and lists what was tried', async () => {
    const t = transport({ addresses: ['127.0.0.3', '127.0.0.4'] })
    await expect(t.connect(url())).rejects.toMatchObject({
      code: 'CONNECT_REFUSED',
      message: expect.stringContaining('tried 127.0.0.3, 127.0.0.4'),
    })
  })

  it('a silent node alone ends in CONNECT_TIMEOUT after the connect timeout', async () => {
    const t = transport({ addresses: ['127.0.0.2'] }, { timeoutMs: 300 })
    await expect(t.connect(url())).rejects.toMatchObject({
      code: 'CONNECT_TIMEOUT',
      message: expect.stringContaining('no TLS handshake within 300 ms'),
    })
  })

  it('a pin failure on the first node ends the race: no fallback to another node', async () => {
    const t = transport({ addresses: ['127.0.0.1', '127.0.0.2'], pins: [pki.bTest.pin] })
    const err = await t.connect(url()).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'PIN_MISMATCH' })
    expect((err as { attempts: AttemptRecord[] }).attempts.map((a) => a.address)).toEqual(['127.0.0.1'])
  })

  it('interleaves DNS answers by family and falls back from a refusing IPv6 address', async () => {
    const lookup: Lookup = async () => [
      { address: '::1', family: 6 },
      { address: '127.0.0.3', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ]
    const t = transport({}, { lookup })
    const conn = await t.connect(url())
    conn.socket.destroy()
    expect(conn.info.attempts.map((a) => [a.address, a.source])).toEqual([
      ['::1', 'dns'],
      ['127.0.0.3', 'dns'],
      ['127.0.0.1', 'dns'],
    ])
    expect(conn.info.address).toBe('127.0.0.1')
  })

  it('a name that does not resolve is DNS_FAILED', async () => {
    const lookup: Lookup = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND a.test'), { code: 'ENOTFOUND' })
    }
    await expect(transport({}, { lookup }).connect(url())).rejects.toMatchObject({ code: 'DNS_FAILED' })
  })
})

describe('HTTP/1.1 on top', () => {
  it('parallel requests to one host use separate TCP connections', async () => {
    live.reset()
    const t = transport({ addresses: ['127.0.0.1'] })
    const responses = await Promise.all([0, 1, 2].map(() => httpRequest(t, { url: url() })))
    for (const r of responses) {
      await r.body.dump()
      await r.close()
    }
    await live.whenIdle()
    expect(live.stats.connections).toHaveLength(3)
    expect(live.stats.connections.every((c) => c.requests.length === 1)).toBe(true)
  })
})
