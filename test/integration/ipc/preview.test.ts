import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { createPreviewer } from '../../../electron/ipc/previewer.ts'
import { createTransport } from '../../../electron/transport/transport.ts'
import type { HostRule } from '../../../shared/domain.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { startSilentListener, type SilentListener } from '../../fixtures/silent-listener.ts'
import { startTlsHttpServer, type HandlerResponse, type TlsHttpServer } from '../../fixtures/tls-http-server.ts'
import { makeIpcHarness, type IpcHarness } from './ipc-harness.ts'

// `transfers:preview` through the real handlers and transport, against loopback servers: a plain one, a TLS
// one reached only through a host rule (address, SNI, pins) that refuses HEAD, and one that never answers.
let plain: FaultServer
let pki: Pki
let tlsServer: TlsHttpServer
let silent: SilentListener
let h: IpcHarness | undefined
const body = makePayload(300 * 1024, 5)

beforeAll(async () => {
  plain = await startFaultServer()
  plain.serve('/files/disk.img', { body, contentDisposition: 'attachment; filename="Disk Image 2024.img"' })
  pki = await makePki()
  tlsServer = await startTlsHttpServer({
    default: pki.defaultLeaf,
    sni: { 'a.test': pki.aTest },
    handler: (req): HandlerResponse => {
      // A server (or a signed-URL store) that refuses HEAD but honours ranges.
      if (req.method === 'HEAD') return { status: 405, headers: { allow: 'GET' } }
      if (req.headers['range'] !== 'bytes=0-0') return { status: 200, body }
      return { status: 206, headers: { 'content-range': `bytes 0-0/${body.length}` }, body: body.subarray(0, 1) }
    },
  })
  silent = await startSilentListener()
}, 60_000)
afterAll(async () => {
  await Promise.all([plain.close(), tlsServer.close(), silent.close()])
})
afterEach(async () => {
  await h?.close()
  h = undefined
})

function rule(pins: string[]): HostRule {
  return {
    pattern: 'files.test',
    addresses: ['127.0.0.1'],
    sni: 'a.test',
    pins: pins.map((p) => `sha256//${p}`),
    pinMode: 'enforce',
    trust: 'ca',
    ca: pki.rootPem,
  }
}

describe('transfers:preview', () => {
  it("reports the server's name and size from a HEAD, and the connection it came over", async () => {
    h = await makeIpcHarness()
    plain.reset()
    const url = plain.url('/files/disk.img')
    const [item] = await h.api.invoke('transfers:preview', { urls: [url] })
    expect(item).toMatchObject({
      url,
      name: 'Disk Image 2024.img',
      size: body.length,
      method: 'HEAD',
      status: 200,
      error: null,
      existing: null,
      againName: 'Disk Image 2024.img',
      connection: { address: '127.0.0.1', protocol: null },
    })
    // A HEAD, and nothing else: no byte of the body was asked for.
    expect(plain.log.map((e) => e.method)).toEqual(['HEAD'])
    expect(h.store.transfers.count()).toBe(0)
  })

  it('uses the host rules a download would (address, SNI, pins); falls back to a 0-0 range GET when HEAD is refused', async () => {
    h = await makeIpcHarness()
    await h.api.invoke('hosts:upsert', { rule: rule([pki.aTest.pin]) })
    tlsServer.reset()
    const url = tlsServer.url('/release.bin', 'files.test')
    const [item] = await h.api.invoke('transfers:preview', { urls: [url] })
    expect(item).toMatchObject({ name: 'release.bin', size: body.length, method: 'GET', status: 206, error: null })
    expect(item?.connection).toMatchObject({ address: '127.0.0.1', servername: 'a.test', verified: true, pinned: true })
    expect(item?.connection?.protocol).toMatch(/^TLSv1\.[23]$/)
    const requests = tlsServer.stats.requests.map((r) => `${r.method} ${r.headers['range']}`)
    expect(requests).toEqual(['HEAD undefined', 'GET bytes=0-0'])
  })

  it("a pin that does not match is that URL's failure, with the reason; others in the request still answer", async () => {
    h = await makeIpcHarness()
    await h.api.invoke('hosts:upsert', { rule: rule([pki.bTest.pin]) })
    tlsServer.reset()
    const bad = tlsServer.url('/release.bin', 'files.test')
    const good = plain.url('/files/disk.img')
    const [a, b] = await h.api.invoke('transfers:preview', { urls: [bad, good] })
    expect(a?.error?.code).toBe('PIN_MISMATCH')
    expect(a?.error?.message).toContain(pki.aTest.pin)
    expect(a).toMatchObject({ size: null, connection: null, name: 'release.bin' })
    // Zero request bytes went to a server whose pin did not match.
    expect(tlsServer.stats.totalRequestBytes === 0).toBe(true)
    expect(b).toMatchObject({ error: null, size: body.length })
  })

  it('a missing file is reported as such, without a second request', async () => {
    h = await makeIpcHarness()
    plain.reset()
    const [item] = await h.api.invoke('transfers:preview', { urls: [plain.url('/nope.bin')] })
    expect(item?.error).toMatchObject({ code: 'HTTP_STATUS', message: expect.stringContaining('HTTP 404') })
    expect(item?.status).toBe(404)
    expect(plain.log.map((e) => e.method)).toEqual(['HEAD'])
  })

  it('is bounded: a server that never answers costs its timeout, and a long list stops at the deadline', async () => {
    const preview = createPreviewer({
      transports: (o) => createTransport({ rules: () => [], ...o }),
      timeoutMs: 400,
      deadlineMs: 1500,
      concurrency: 2,
    })
    const dead = `http://127.0.0.1:${silent.port}/never.bin`
    const started = Date.now()
    const [one] = await preview([dead])
    expect(Date.now() - started).toBeLessThan(2000)
    expect(one?.error).toMatchObject({ code: 'IDLE_TIMEOUT', message: 'no answer within 0.4 s' })

    const many = Array.from({ length: 20 }, (_, i) => `${dead}?${i}`)
    const t0 = Date.now()
    const all = await preview(many)
    expect(Date.now() - t0).toBeLessThan(3000)
    expect(all).toHaveLength(20)
    expect(all.every((r) => r.error?.code === 'IDLE_TIMEOUT')).toBe(true)
    expect(all.filter((r) => r.error?.message.startsWith('not checked')).length).toBeGreaterThan(0)
    // Never more than `concurrency` at once: 1 + 2 per round of 400 ms within 1.5 s.
    expect(silent.stats.connections).toBeLessThanOrEqual(1 + 2 * Math.ceil(1500 / 400))
  })

  it('a bad input is refused by the contract', async () => {
    h = await makeIpcHarness()
    await expect(h.raw('transfers:preview', { urls: ['ftp://x/y'] })).rejects.toThrow(/transfers:preview: urls/)
    await expect(h.raw('transfers:preview', { urls: [] })).rejects.toThrow(/transfers:preview: urls/)
  })
})
