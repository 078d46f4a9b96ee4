import { connect as netConnect } from 'node:net'
import { createServer, type Server } from 'node:tls'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { HostRule } from '../../../shared/domain.ts'
import type { ProxyServer } from '../../../shared/proxy.ts'
import { httpRequest } from '../../../electron/transport/http-request.ts'
import { createTransport } from '../../../electron/transport/transport.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { startTlsHttpServer, type TlsHttpServer } from '../../fixtures/tls-http-server.ts'

// An https:// proxy: TLS to the proxy (its certificate is for 127.0.0.1, from the test CA), CONNECT inside it, and
// the origin's TLS inside that. The proxy's own anchors and pins are checked before CONNECT is sent.
let pki: Pki
let origin: TlsHttpServer
let proxy: Server
let proxyPort: number
const connects: string[] = []

beforeAll(async () => {
  pki = await makePki()
  origin = await startTlsHttpServer({
    default: { keyPem: pki.aTest.keyPem, chainPem: pki.aTest.chainPem },
    handler: () => ({ status: 200, body: 'inside two TLS layers\n' }),
  })
  proxy = createServer({ key: pki.localhost.keyPem, cert: pki.localhost.chainPem }, (client) => {
    client.on('error', () => {})
    client.once('data', (head: Buffer) => {
      const line = head.toString('latin1').split('\r\n')[0] ?? ''
      connects.push(line)
      const [host, port] = (line.split(' ')[1] ?? '').split(':')
      const upstream = netConnect({ host, port: Number(port) }, () => {
        client.write('HTTP/1.1 200 Connection established\r\n\r\n')
        client.pipe(upstream).pipe(client)
      })
      upstream.on('error', () => client.destroy())
    })
  })
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
  proxyPort = (proxy.address() as { port: number }).port
}, 30_000)
afterAll(async () => {
  await origin?.close()
  await new Promise((r) => proxy?.close(r))
})

function get(server: ProxyServer) {
  const rules = [HostRule.parse({ pattern: 'a.test', addresses: ['127.0.0.1'], pins: [`sha256//${pki.aTest.pin}`] })]
  const t = createTransport({ rules: () => rules, ca: [pki.rootPem], keepAliveMs: 0, proxy: () => server })
  return httpRequest(t, { url: new URL(`https://a.test:${origin.port}/x`) })
}

describe('an https:// proxy', () => {
  it('verified by its own CA and pin: the origin is reached through CONNECT inside it, pinned end to end', async () => {
    const res = await get({
      url: `https://127.0.0.1:${proxyPort}`,
      ca: pki.rootPem,
      pins: [`sha256//${pki.localhost.pin}`],
    })
    expect(Buffer.concat(await res.body.toArray()).toString()).toBe('inside two TLS layers\n')
    await res.close()
    expect(res.connection).toMatchObject({
      servername: 'a.test',
      pinned: true,
      proxy: { url: `https://127.0.0.1:${proxyPort}` },
    })
    expect(connects.at(-1)).toBe(`CONNECT 127.0.0.1:${origin.port} HTTP/1.1`)
  })

  it('a proxy pin that does not match, or a proxy chain the bundled roots do not know, stops before CONNECT', async () => {
    const before = connects.length
    const pinned = await get({
      url: `https://127.0.0.1:${proxyPort}`,
      ca: pki.rootPem,
      pins: [`sha256//${pki.bTest.pin}`],
    }).catch((e: { code: string; message: string }) => e)
    expect(pinned).toMatchObject({ code: 'PIN_MISMATCH' })
    expect((pinned as { message: string }).message).toContain(
      `proxy https://127.0.0.1:${proxyPort}: no proxy pin matches`,
    )
    const untrusted = await get({ url: `https://127.0.0.1:${proxyPort}` }).catch(
      (e: { code: string; message: string }) => e,
    )
    expect(untrusted).toMatchObject({ code: 'TLS_UNTRUSTED' })
    expect(connects.length).toBe(before)
  })
})
