import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { createServer, type TLSSocket } from 'node:tls'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { HostRule, type HostRuleInput } from '../../../shared/domain.ts'
import { httpRequest } from '../../../electron/transport/http-request.ts'
import { createTransport, type Transport } from '../../../electron/transport/transport.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { startTlsHttpServer, type TlsHttpServer } from '../../fixtures/tls-http-server.ts'

let pki: Pki
let s: TlsHttpServer

beforeAll(async () => {
  pki = await makePki()
  s = await startTlsHttpServer({
    default: { keyPem: pki.defaultLeaf.keyPem, chainPem: pki.defaultLeaf.chainPem },
    sni: { 'a.test': { keyPem: pki.aTest.keyPem, chainPem: pki.aTest.chainPem } },
  })
})
afterAll(async () => {
  await s.close()
})

function transport(rules: () => HostRuleInput[], keepAliveMs?: number): Transport {
  return createTransport({
    rules: () => rules().map((r) => HostRule.parse(r)),
    ca: [pki.rootPem],
    ...(keepAliveMs === undefined ? {} : { keepAliveMs }),
  })
}

async function get(t: Transport, url: string): Promise<string> {
  const res = await httpRequest(t, { url: new URL(url) })
  const body = Buffer.concat(await res.body.toArray()).toString()
  await res.close()
  return body
}

describe('keep-alive: a connection is reused only where a new one would pass the same checks', () => {
  it('sends the next request to the same place on the same verified connection', async () => {
    s.reset()
    const t = transport(() => [{ pattern: 'a.test', addresses: ['127.0.0.1'], pins: [pki.aTest.pin] }])
    for (let i = 0; i < 5; i++) expect(await get(t, s.url(`/f${i}`, 'a.test'))).toBe('hello from a.test')
    expect(s.stats.connections).toHaveLength(1)
    expect(s.stats.requests.map((r) => r.path)).toEqual(['/f0', '/f1', '/f2', '/f3', '/f4'])
  })

  it('makes a new connection, and checks it, once the rules change: a changed pin is never skipped', async () => {
    s.reset()
    let pins = [pki.aTest.pin]
    const t = transport(() => [{ pattern: 'a.test', addresses: ['127.0.0.1'], pins }])
    await get(t, s.url('/one', 'a.test'))
    pins = [pki.bTest.pin]
    await expect(get(t, s.url('/two', 'a.test'))).rejects.toMatchObject({ code: 'PIN_MISMATCH' })
    expect(s.stats.connections).toHaveLength(1)
    expect(s.stats.requests.map((r) => r.path)).toEqual(['/one'])
  })

  it('does not reuse a connection when keep-alive is off, or after a body cut short by the reader', async () => {
    s.reset()
    const off = transport(() => [{ pattern: 'a.test', addresses: ['127.0.0.1'] }], 0)
    await get(off, s.url('/a', 'a.test'))
    await get(off, s.url('/b', 'a.test'))
    expect(s.stats.connections).toHaveLength(2)

    s.reset()
    const t = transport(() => [{ pattern: 'a.test', addresses: ['127.0.0.1'] }])
    const res = await httpRequest(t, { url: new URL(s.url('/unread', 'a.test')) })
    await res.close()
    await get(t, s.url('/next', 'a.test'))
    expect(s.stats.connections).toHaveLength(2)
  })

  it('an idle connection goes away after keepAliveMs', async () => {
    s.reset()
    const t = transport(() => [{ pattern: 'a.test', addresses: ['127.0.0.1'] }], 100)
    await get(t, s.url('/x', 'a.test'))
    // Other tests' transports keep theirs for the default 2 s; this one is gone long before that.
    await s.whenIdle(5000)
    await get(t, s.url('/y', 'a.test'))
    expect(s.stats.connections).toHaveLength(2)
  })
})

describe('keep-alive: a server that closed the idle connection as we picked it', () => {
  it('gets the request again, once, on a new connection', async () => {
    // Answers the first request on each connection with keep-alive, then drops the connection when the second
    // arrives, unanswered: what a server whose idle timer just fired does.
    let connections = 0
    const heads: string[] = []
    const server = createServer(
      { key: pki.aTest.keyPem, cert: pki.aTest.chainPem, ALPNProtocols: ['http/1.1'] },
      (socket: TLSSocket) => {
        connections++
        let served = 0
        let buf = ''
        socket.on('error', () => {})
        socket.on('data', (d: Buffer) => {
          buf += d.toString('latin1')
          for (let end = buf.indexOf('\r\n\r\n'); end !== -1; end = buf.indexOf('\r\n\r\n')) {
            heads.push(buf.slice(0, buf.indexOf('\r\n')))
            buf = buf.slice(end + 4)
            if (served++ > 0) return void socket.destroy()
            socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
          }
        })
      },
    )
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    try {
      const port = (server.address() as AddressInfo).port
      const t = transport(() => [{ pattern: 'a.test', addresses: ['127.0.0.1'] }])
      expect(await get(t, `https://a.test:${port}/first`)).toBe('ok')
      expect(await get(t, `https://a.test:${port}/second`)).toBe('ok')
      expect(heads).toEqual(['GET /first HTTP/1.1', 'GET /second HTTP/1.1', 'GET /second HTTP/1.1'])
      expect(connections).toBe(2)
    } finally {
      server.close()
    }
  })
})
