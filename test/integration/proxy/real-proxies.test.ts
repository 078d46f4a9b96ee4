import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { HostRule, type HostRuleInput } from '../../../shared/domain.ts'
import type { ProxyServer } from '../../../shared/proxy.ts'
import { httpRequest } from '../../../electron/transport/http-request.ts'
import { refusedConnection } from '../../../electron/transport/refused.ts'
import { createTransport, type Transport } from '../../../electron/transport/transport.ts'
import { startMicrosocks, type SocksProxy } from '../../fixtures/microsocks.ts'
import { startNginx, type NginxServer } from '../../fixtures/nginx.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { refusedPort } from '../../fixtures/silent-listener.ts'
import { startSquid, type Squid } from '../../fixtures/squid.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

// Real proxies (squid for HTTP CONNECT and absolute-form, microsocks for SOCKS5) in front of real nginx origins.
let pki: Pki
let nginx: NginxServer
let plain: NginxServer
let squid: Squid
let socks: SocksProxy
const payload = makePayload(3 * 1024 * 1024 + 17, 41)

beforeAll(async () => {
  pki = await makePki()
  ;[nginx, plain, squid, socks] = await Promise.all([
    startNginx({ pki, files: { 'data.bin': payload }, nodes: [{ address: '127.0.0.2' }] }),
    startNginx({ files: { 'data.bin': payload } }),
    startSquid({ user: 'alice', password: 'sq-secret', hosts: { 'a.test': '127.0.0.1', 'b.test': '127.0.0.1' } }),
    startMicrosocks({ user: 'bob', password: 'so-secret' }),
  ])
}, 60_000)
afterAll(async () => {
  await Promise.all([nginx?.stop(), plain?.stop(), squid?.stop(), socks?.stop()])
})

const squidProxy = (password = 'sq-secret'): ProxyServer => ({ url: squid.url, user: 'alice', password })
const socksProxy = (scheme: 'socks5' | 'socks5h', password = 'so-secret'): ProxyServer => ({
  url: `${scheme}://127.0.0.1:${socks.port}`,
  user: 'bob',
  password,
})

function transport(rules: HostRuleInput[], proxy: ProxyServer | undefined): Transport {
  const parsed = rules.map((r) => HostRule.parse(r))
  return createTransport({
    rules: () => parsed,
    ca: [pki.rootPem],
    connectTimeoutMs: 5000,
    keepAliveMs: 0,
    proxy: () => proxy,
  })
}

async function fetchAll(t: Transport, url: string) {
  const res = await httpRequest(t, { url: new URL(url) })
  const body = Buffer.concat(await res.body.toArray())
  await res.close()
  return { res, body }
}

function failure(p: Promise<unknown>) {
  return p.then(
    () => {
      throw new Error('expected a failure')
    },
    (err: { code: string; message: string }) => err,
  )
}

describe('through squid (HTTP CONNECT)', () => {
  it('downloads the same bytes over a tunnel squid opens to the name, with TLS to the origin end to end', async () => {
    const t = transport([{ pattern: 'a.test', pins: [`sha256//${pki.aTest.pin}`] }], squidProxy())
    const { res, body } = await fetchAll(t, `https://a.test:${nginx.port}/data.bin`)
    expect(body.equals(payload)).toBe(true)
    expect(res.connection).toMatchObject({
      servername: 'a.test',
      verified: true,
      pinned: true,
      proxy: { url: squid.url, asked: `a.test:${nginx.port}`, mode: 'tunnel' },
    })
    expect(JSON.stringify(res.connection)).not.toContain('sq-secret')
    // squid logs a tunnel when it closes.
    await waitFor(() => squid.accessLog().includes(`CONNECT a.test:${nginx.port}`))
    const entry = (await nginx.waitForAccessLog(1)).at(-1)
    expect(entry).toMatchObject({ ssl_server_name: 'a.test', http_host: `a.test:${nginx.port}`, status: 200 })
  })

  it('an IP override asks squid for that address, keeping the name for SNI and Host', async () => {
    const t = transport([{ pattern: 'a.test', addresses: ['127.0.0.2'] }], squidProxy())
    const before = nginx.accessLog().length
    const { res, body } = await fetchAll(t, `https://a.test:${nginx.port}/whoami.txt`)
    expect(body.toString()).toBe('a.test')
    expect(res.connection.proxy).toEqual({ url: squid.url, asked: `127.0.0.2:${nginx.port}`, mode: 'tunnel' })
    await waitFor(() => squid.accessLog().includes(`CONNECT 127.0.0.2:${nginx.port}`))
    const entry = (await nginx.waitForAccessLog(before + 1)).at(-1)
    expect(entry).toMatchObject({ server_addr: '127.0.0.2', ssl_server_name: 'a.test' })
  })

  it('a pin mismatch through the tunnel sends the origin zero request bytes', async () => {
    const t = transport(
      [{ pattern: 'a.test', addresses: ['127.0.0.1'], pins: [`sha256//${pki.bTest.pin}`] }],
      squidProxy(),
    )
    const before = nginx.accessLog().length
    const err = await failure(fetchAll(t, `https://a.test:${nginx.port}/data.bin`))
    expect(err.code).toBe('PIN_MISMATCH')
    // The refused connection is recorded with the proxy it went through.
    expect(refusedConnection(err)).toMatchObject({ proxy: { url: squid.url, asked: `127.0.0.1:${nginx.port}` } })
    // A request would be logged within milliseconds; a fresh request after it shows the log is being written.
    const ok = transport([{ pattern: 'a.test', addresses: ['127.0.0.1'] }], squidProxy())
    await fetchAll(ok, `https://a.test:${nginx.port}/whoami.txt`)
    const entries = await nginx.waitForAccessLog(before + 1)
    expect(entries.slice(before).map((e) => e.request)).toEqual(['GET /whoami.txt HTTP/1.1'])
  })

  it('plain http:// goes to squid in absolute form, with Basic credentials', async () => {
    const t = transport([], squidProxy())
    const { res, body } = await fetchAll(t, `http://127.0.0.1:${plain.port}/data.bin`)
    expect(body.equals(payload)).toBe(true)
    expect(res.connection.proxy).toEqual({ url: squid.url, asked: `127.0.0.1:${plain.port}`, mode: 'forward' })
    await waitFor(() => squid.accessLog().includes(`GET http://127.0.0.1:${plain.port}/data.bin alice`))
  })

  it('no credentials, or wrong ones: PROXY_AUTH_REQUIRED naming the proxy, for tunnels and absolute form', async () => {
    const none = transport([], { url: squid.url })
    const a = await failure(fetchAll(none, `https://a.test:${nginx.port}/whoami.txt`))
    expect(a).toMatchObject({ code: 'PROXY_AUTH_REQUIRED' })
    expect(a.message).toContain(`proxy ${squid.url} requires authentication (Basic)`)
    const wrong = transport([], squidProxy('nope'))
    const b = await failure(fetchAll(wrong, `https://a.test:${nginx.port}/whoami.txt`))
    expect(b.message).toContain(`proxy ${squid.url} rejected the user name and password`)
    expect(b.message).not.toContain('nope')
    const c = await failure(fetchAll(wrong, `http://127.0.0.1:${plain.port}/whoami.txt`))
    expect(c).toMatchObject({ code: 'PROXY_AUTH_REQUIRED' })
  })
})

describe('through microsocks (SOCKS5 with a user name and password)', () => {
  it('socks5 resolves locally and asks by address; the bytes are the same', async () => {
    const t = transport(
      [{ pattern: 'a.test', addresses: ['127.0.0.1'], pins: [`sha256//${pki.aTest.pin}`] }],
      socksProxy('socks5'),
    )
    const { res, body } = await fetchAll(t, `https://a.test:${nginx.port}/data.bin`)
    expect(body.equals(payload)).toBe(true)
    expect(res.connection).toMatchObject({ pinned: true, proxy: { asked: `127.0.0.1:${nginx.port}`, mode: 'tunnel' } })
  })

  it('socks5h hands the name to the proxy; SNI and the certificate check stay ours', async () => {
    const t = transport([{ pattern: 'localhost', sni: 'a.test' }], socksProxy('socks5h'))
    const { res, body } = await fetchAll(t, `https://localhost:${nginx.port}/whoami.txt`)
    expect(body.toString()).toBe('a.test')
    expect(res.connection).toMatchObject({
      servername: 'a.test',
      verified: true,
      proxy: { asked: `localhost:${nginx.port}` },
    })
  })

  it('an IP override reaches the other node by address', async () => {
    const t = transport([{ pattern: 'a.test', addresses: ['127.0.0.2'] }], socksProxy('socks5h'))
    const before = nginx.accessLog().length
    await fetchAll(t, `https://a.test:${nginx.port}/whoami.txt`)
    expect((await nginx.waitForAccessLog(before + 1)).at(-1)).toMatchObject({ server_addr: '127.0.0.2' })
  })

  it('plain http:// through the SOCKS tunnel', async () => {
    const t = transport([], socksProxy('socks5'))
    const { body } = await fetchAll(t, `http://127.0.0.1:${plain.port}/data.bin`)
    expect(body.equals(payload)).toBe(true)
  })

  it('a pin mismatch sends zero request bytes through SOCKS too', async () => {
    const t = transport(
      [{ pattern: 'a.test', addresses: ['127.0.0.1'], pins: [`sha256//${pki.bTest.pin}`] }],
      socksProxy('socks5'),
    )
    const before = nginx.accessLog().length
    expect((await failure(fetchAll(t, `https://a.test:${nginx.port}/data.bin`))).code).toBe('PIN_MISMATCH')
    await fetchAll(
      transport([{ pattern: 'a.test', addresses: ['127.0.0.1'] }], undefined),
      `https://a.test:${nginx.port}/whoami.txt`,
    )
    const entries = await nginx.waitForAccessLog(before + 1)
    expect(entries.slice(before).map((e) => e.request)).toEqual(['GET /whoami.txt HTTP/1.1'])
  })

  it('wrong password: PROXY_AUTH_REQUIRED', async () => {
    const t = transport([{ pattern: 'a.test', addresses: ['127.0.0.1'] }], socksProxy('socks5', 'bad'))
    const err = await failure(fetchAll(t, `https://a.test:${nginx.port}/whoami.txt`))
    expect(err).toMatchObject({ code: 'PROXY_AUTH_REQUIRED' })
    expect(err.message).toContain(`SOCKS5 proxy socks5://127.0.0.1:${socks.port} rejected the user name and password`)
  })
})

it('a proxy that refuses connections: PROXY_FAILED naming it', async () => {
  const port = await refusedPort()
  const t = transport([{ pattern: 'a.test', addresses: ['127.0.0.1'] }], { url: `http://127.0.0.1:${port}` })
  const err = await failure(fetchAll(t, `https://a.test:${nginx.port}/whoami.txt`))
  expect(err).toMatchObject({ code: 'PROXY_FAILED' })
  expect(err.message).toContain(`proxy http://127.0.0.1:${port} refused the connection`)
})
