import { gzipSync } from 'node:zlib'
import { readFile } from 'node:fs/promises'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { makeHarness, type Harness } from '../../fixtures/engine-harness.ts'
import { startFaultServer, type FaultServer, type Faults } from '../../fixtures/fault-server.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'

// What a server or the network can do wrong in a response, one fault per test (numbered A1, A2, …).
let server: FaultServer
let h: Harness
const body = makePayload(1024 * 1024 + 7, 3)

beforeAll(async () => {
  server = await startFaultServer()
})
afterAll(async () => {
  await server.close()
})
afterEach(async () => {
  await h?.close()
  server.reset()
})

/** Serve with `faults` for the first request only, then behave. */
function faultyOnce(path: string, faults: Faults) {
  server.serve(path, { body, faults })
  const timer = setInterval(() => {
    if (server.log.some((e) => e.path === path)) {
      server.setFaults(path, {})
      clearInterval(timer)
    }
  }, 2)
  return () => clearInterval(timer)
}

async function get(path: string, split = 1) {
  h = await makeHarness({ env: { idleTimeoutMs: 400 } })
  return h.download(server.url(path), { split })
}

const sameAsBody = async (path: string | null) => sha256(await readFile(path as string)) === sha256(body)

describe('faults in the response', () => {
  it.each([
    ['A1 reset mid-body', { resetAfterBytes: 300_000 }],
    ['A2 stall: socket open, no bytes', { stallAfterBytes: 300_000 }],
    ['A3 Content-Length > body, then close', { closeAfterBytes: 300_000 }],
  ] as const)('%s: retried from the written offset, byte-identical', async (_name, faults) => {
    const stop = faultyOnce(`/${_name.slice(0, 2)}`, faults)
    const row = await get(`/${_name.slice(0, 2)}`)
    stop()
    expect(row.state).toBe('completed')
    expect(await sameAsBody(row.savedPath)).toBe(true)
    expect(server.log.length).toBeGreaterThanOrEqual(2)
    expect(server.log[1]?.rangeHeader).toMatch(/^bytes=[1-9]\d*-/)
    expect(h.store.events.list(row.id).some((e) => e.kind === 'retry')).toBe(true)
  })

  it('A4 body longer than Content-Length: exactly the declared bytes are kept', async () => {
    server.serve('/a4', { body, faults: { extraBodyBytes: 5000, ignoreRange: true } })
    const row = await get('/a4')
    expect(row.total).toBe(body.length)
    if (row.state === 'completed') expect(await sameAsBody(row.savedPath)).toBe(true)
    else expect(row.errorCode).toBe('PROTOCOL_ERROR')
  })

  it('A5 no length, close-delimited: done with the size it ended at, one connection', async () => {
    server.serve('/a5', { body, faults: { noContentLength: true, ignoreRange: true } })
    const row = await get('/a5', 4)
    expect(row).toMatchObject({ state: 'completed', total: body.length, rangeSupported: false })
    expect(await sameAsBody(row.savedPath)).toBe(true)
  })

  it('A6 conflicting Content-Length headers: malformed, nothing written', async () => {
    server.serve('/a6', { body, faults: { duplicateContentLength: 'different', ignoreRange: true } })
    const row = await get('/a6')
    expect(row).toMatchObject({ state: 'failed', errorCode: 'PROTOCOL_ERROR' })
    expect(await h.files()).toEqual([])
  })

  it.each([
    ['A8 wrong start', (s: number, e: number, t: number) => `bytes ${s + 1}-${e}/${t}`],
    ['A8 wrong total', (s: number, e: number, t: number) => `bytes ${s}-${e}/${t + 1}`],
    ['A9 no Content-Range', () => null],
  ])('%s on a 206: RANGE_INVALID, and no byte of it is written', async (_n, contentRange) => {
    server.serve('/a8', { body, faults: { contentRange } })
    const row = await get('/a8')
    expect(row).toMatchObject({ state: 'failed', errorCode: 'RANGE_INVALID' })
    expect((await h.files()).filter((f) => !f.endsWith('.part'))).toEqual([])
  })

  it('A9 a multipart/byteranges answer to a single range is refused', async () => {
    server.serve('/a9', { body, faults: { multipart: true } })
    const row = await get('/a9')
    expect(row).toMatchObject({ state: 'failed', errorCode: 'RANGE_INVALID' })
  })

  it('A14 gzip on a file: the raw bytes are stored, never decoded', async () => {
    server.serve('/a14.gz', { body, faults: { gzip: true } })
    const row = await get('/a14.gz')
    expect(row.state).toBe('completed')
    expect((await readFile(row.savedPath as string)).equals(gzipSync(body))).toBe(true)
    expect(server.log[0]?.headers['accept-encoding']).toBe('identity')
  })

  it('A15 huge headers: a clear protocol error', async () => {
    server.serve('/a15', { body, faults: { hugeHeaders: 40_000 } })
    const row = await get('/a15')
    expect(row).toMatchObject({ state: 'failed', errorCode: 'PROTOCOL_ERROR' })
  })

  it('503 with Retry-After is retried after the delay it asks for', async () => {
    server.serve('/busy', { body, faults: { status: 503, retryAfter: '1', failTimes: 1 } })
    const row = await get('/busy')
    expect(row.state).toBe('completed')
    expect(server.log.map((e) => e.status)).toEqual([503, 206])
    expect((server.log[1]?.at ?? 0) - (server.log[0]?.at ?? 0)).toBeGreaterThanOrEqual(900)
  })

  it.each([404, 410])('%i is permanent: one request, failed, no file', async (status) => {
    server.serve('/gone', { body, faults: { status } })
    const row = await get('/gone')
    expect(row).toMatchObject({ state: 'failed', errorCode: 'HTTP_STATUS' })
    expect(server.log).toHaveLength(1)
    expect(await h.files()).toEqual([])
  })

  it('A17 the total changes under the same ETag: restart from zero, never a mix of two files', async () => {
    const grown = makePayload(body.length + 100_000, 3)
    server.serve('/a17', { body, etag: '"same"', faults: { rateBytesPerSec: 512 * 1024 } })
    h = await makeHarness()
    const row = h.queue.add({ url: server.url('/a17'), dir: h.dir, split: 1 })
    h.queue.start([row.id])
    while (h.store.segments.durableBytes(row.id) < 100_000) await new Promise((r) => setTimeout(r, 10))
    h.queue.pause([row.id])
    await h.queue.settled([row.id])
    server.serve('/a17', { body: grown, etag: '"same"' })
    h.queue.resume([row.id])
    const [done] = await h.queue.settled([row.id])
    expect(done).toMatchObject({ state: 'completed', total: grown.length, restarts: 1 })
    expect(sha256(await readFile(done?.savedPath as string))).toBe(sha256(grown))
  })
})
