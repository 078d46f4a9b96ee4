import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { makeHarness, type Harness } from '../../fixtures/engine-harness.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'

// Each transfer's own connection history, as the queue records it: every socket it was handed (once, however
// many requests went on it) and every handshake refused for it, with the chain it refused.
let pki: Pki
let server: FaultServer
let h: Harness | undefined
const body = makePayload(512 * 1024, 37)

beforeAll(async () => {
  pki = await makePki()
  server = await startFaultServer({ tls: { keyPem: pki.aTest.keyPem, chainPem: pki.aTest.chainPem } })
  server.serve('/f.bin', { body })
}, 60_000)
afterAll(async () => {
  await server.close()
})
afterEach(async () => {
  await h?.close()
  h = undefined
})

const rule = (pins: string[]) => ({ pattern: 'a.test', addresses: ['127.0.0.1'], pins })

describe("a transfer's connection history", () => {
  it('holds each connection of a split download once, with its chain, pins and timings, after a restart too', async () => {
    h = await makeHarness({ rules: [rule([pki.aTest.pin])], ca: [pki.rootPem] })
    server.reset()
    const row = await h.download(server.url('/f.bin', 'a.test'), { split: 4 })
    expect(row.state).toBe('completed')
    const history = h.store.connections.list(row.id).map((c) => c.info)
    // One entry per TCP connection the server saw, however many requests each carried.
    expect(history).toHaveLength(server.connections)
    expect(server.log.length).toBeGreaterThan(1)
    for (const c of history) {
      expect(c).toMatchObject({ address: '127.0.0.1', servername: 'a.test', verified: true, pinned: true })
      expect(c.refused).toBeUndefined()
      expect(c.chain.map((x) => x.spki)).toEqual([pki.aTest.pin, pki.intermediate.pin, pki.root.pin])
    }
    expect(history[0]?.firstByteMs).toBeGreaterThan(0)

    const { stateDir, dir } = h
    await h.close()
    h = await makeHarness({ stateDir, dir })
    expect(h.store.connections.list(row.id).map((c) => c.info)).toEqual(history)
  })

  it('a pin mismatch keeps the chain it refused, and not another transfer of the same URL', async () => {
    h = await makeHarness({ rules: [rule([pki.aTest.pin])], ca: [pki.rootPem] })
    const url = server.url('/f.bin', 'a.test')
    const good = await h.download(url)
    expect(good.state).toBe('completed')
    // The same state folder, now with a pin the server's key does not match, into another folder.
    const { stateDir } = h
    await h.close()
    h = await makeHarness({ stateDir, rules: [rule([pki.bTest.pin])], ca: [pki.rootPem] })
    const bad = await h.download(url)
    expect(bad).toMatchObject({ state: 'failed', errorCode: 'PIN_MISMATCH' })
    const history = h.store.connections.list(bad.id).map((c) => c.info)
    expect(history).toHaveLength(1)
    expect(history[0]).toMatchObject({ pinned: false, refused: { code: 'PIN_MISMATCH' } })
    expect(history[0]?.chain[0]?.spki).toBe(pki.aTest.pin)
  })

  it("logs the user's pause, resume, retry and cancel in the transfer's events", async () => {
    h = await makeHarness({ rules: [rule([pki.bTest.pin])], ca: [pki.rootPem] })
    const row = await h.download(server.url('/f.bin', 'a.test'))
    expect(row.state).toBe('failed')
    h.queue.pause([row.id])
    h.queue.resume([row.id])
    await h.queue.settled([row.id])
    h.queue.retry([row.id])
    await h.queue.settled([row.id])
    await h.queue.cancel([row.id])
    const kinds = h.store.events.list(row.id).map((e) => `${e.kind}: ${e.message}`)
    expect(kinds.filter((k) => !k.startsWith('error'))).toEqual([
      'paused: paused by the user',
      'resumed: resumed by the user',
      'retried: retried by the user',
      'canceled: canceled by the user',
    ])
  })
})
