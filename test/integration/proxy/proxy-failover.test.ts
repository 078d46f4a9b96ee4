import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { HostRule, type HostRuleInput } from '../../../shared/domain.ts'
import { httpRequest } from '../../../electron/transport/http-request.ts'
import { answerProxy } from '../../../electron/transport/proxy-setting.ts'
import { createTransport, type Transport } from '../../../electron/transport/transport.ts'
import { startNginx, type NginxServer } from '../../fixtures/nginx.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { refusedPort, startSilentListener, type SilentListener } from '../../fixtures/silent-listener.ts'
import { startSquid, type Squid } from '../../fixtures/squid.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

// A system proxy answer (what Chromium's resolveProxy gives for a PAC script or the OS settings) with several
// entries, through real squids in front of a real nginx: a later entry is used only when an earlier proxy cannot
// be reached, never when a proxy answered. `a.test` and `denied.test` are names only the squids' hosts files know.
let pki: Pki
let nginx: NginxServer
let first: Squid
let second: Squid
let refused: number
let refusedToo: number
let silent: SilentListener
const payload = makePayload(256 * 1024 + 5, 77)

beforeAll(async () => {
  pki = await makePki()
  const hosts = { 'a.test': '127.0.0.1', 'denied.test': '127.0.0.1' }
  ;[nginx, first, second, refused, refusedToo] = await Promise.all([
    startNginx({ pki, files: { 'data.bin': payload } }),
    startSquid({ user: 'x', password: 'x', anonymous: true, hosts, deny: ['denied.test'] }),
    startSquid({ user: 'x', password: 'x', anonymous: true, hosts }),
    refusedPort(),
    refusedPort(),
  ])
  silent = await startSilentListener()
}, 60_000)
afterAll(async () => {
  await Promise.all([nginx?.stop(), first?.stop(), second?.stop(), silent?.close()])
})

function transport(
  answer: string,
  rules: HostRuleInput[] = [{ pattern: 'a.test' }],
  connectTimeoutMs = 5000,
): Transport {
  const parsed = rules.map((r) => HostRule.parse(r))
  return createTransport({
    rules: () => parsed,
    ca: [pki.rootPem],
    connectTimeoutMs,
    keepAliveMs: 0,
    proxy: answerProxy(async () => answer),
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

const at = (port: number) => `http://127.0.0.1:${port}`

describe('a system proxy list with several entries', () => {
  it('goes on to squid when the first proxy refuses the connection, and records both', async () => {
    const t = transport(`PROXY 127.0.0.1:${refused}; PROXY 127.0.0.1:${first.port}; DIRECT`)
    const { res, body } = await fetchAll(t, `https://a.test:${nginx.port}/data.bin`)
    expect(body.equals(payload)).toBe(true)
    expect(res.connection.proxy).toMatchObject({ url: at(first.port), asked: `a.test:${nginx.port}` })
    expect(res.connection.failedProxies).toEqual([
      { url: at(refused), code: 'PROXY_FAILED', message: `proxy ${at(refused)} refused the connection` },
    ])
    // squid logs a tunnel when it closes, which may be just after the body arrived.
    await waitFor(() => first.accessLog().includes(`a.test:${nginx.port}`))
  })

  it('goes on when TLS to an https:// proxy fails (squid speaks plain HTTP there)', async () => {
    const t = transport(`HTTPS 127.0.0.1:${second.port}; PROXY 127.0.0.1:${first.port}`)
    const { res, body } = await fetchAll(t, `https://a.test:${nginx.port}/data.bin`)
    expect(body.equals(payload)).toBe(true)
    expect(res.connection.proxy?.url).toBe(at(first.port))
    expect(res.connection.failedProxies?.map((f) => f.url)).toEqual([`https://127.0.0.1:${second.port}`])
  })

  it('goes on when an https:// proxy accepts TCP but its TLS never completes within the connect timeout', async () => {
    const t = transport(`HTTPS 127.0.0.1:${silent.port}; PROXY 127.0.0.1:${first.port}`, undefined, 3000)
    const { res, body } = await fetchAll(t, `https://a.test:${nginx.port}/data.bin`)
    expect(body.equals(payload)).toBe(true)
    expect(res.connection.proxy?.url).toBe(at(first.port))
    expect(res.connection.failedProxies).toMatchObject([
      { url: `https://127.0.0.1:${silent.port}`, code: 'CONNECT_TIMEOUT' },
    ])
  })

  it('does not fail over when squid answers CONNECT with 403: its verdict is reported, naming it', async () => {
    const before = second.accessLog()
    const t = transport(`PROXY 127.0.0.1:${first.port}; PROXY 127.0.0.1:${second.port}; DIRECT`, [
      { pattern: 'denied.test' },
    ])
    const err = await failure(fetchAll(t, `https://denied.test:${nginx.port}/data.bin`))
    expect(err.code).toBe('PROXY_FAILED')
    expect(err.message).toContain(`proxy ${at(first.port)} answered CONNECT denied.test:${nginx.port}`)
    expect(err.message).toContain('403')
    await waitFor(() => first.accessLog().includes(`denied.test:${nginx.port}`))
    expect(second.accessLog()).toBe(before)
  })

  it('connects directly as the last resort only when the list says DIRECT', async () => {
    // The rule gives the address, so the direct route needs no proxy to know the name.
    const rules = [{ pattern: 'a.test', addresses: ['127.0.0.1'] }]
    const url = `https://a.test:${nginx.port}/data.bin`
    const direct = await fetchAll(transport(`PROXY 127.0.0.1:${refused}; DIRECT`, rules), url)
    expect(direct.body.equals(payload)).toBe(true)
    expect(direct.res.connection.proxy).toBeUndefined()
    expect(direct.res.connection.failedProxies?.map((f) => f.url)).toEqual([at(refused)])

    const only = transport(`PROXY 127.0.0.1:${refused}; PROXY 127.0.0.1:${refusedToo}`, rules)
    const err = await failure(fetchAll(only, url))
    expect(err.code).toBe('PROXY_FAILED')
    expect(err.message).toContain(`proxy ${at(refusedToo)} refused the connection`)
    expect(err.message).toContain(`proxy ${at(refused)} refused the connection`)
  })
})
