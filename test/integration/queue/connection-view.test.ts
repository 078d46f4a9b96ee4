import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import type { Changes } from '../../../electron/queue/change-feed.ts'
import { TransferView } from '../../../shared/transfer.ts'
import { makeHarness, type Harness } from '../../fixtures/engine-harness.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

// Each transfer's latest connection, as the queue's views carry it to every row: a real TLS server on loopback
// that presents a.test's certificate, reached through a host rule, since a.test does not resolve.
let pki: Pki
let server: FaultServer
let h: Harness | undefined
const body = makePayload(512 * 1024, 31)

beforeAll(async () => {
  pki = await makePki()
  server = await startFaultServer({ tls: { keyPem: pki.aTest.keyPem, chainPem: pki.aTest.chainPem } })
  server.serve('/f.bin', { body })
  // About half a second per segment: several change batches go out while it runs.
  server.serve('/slow.bin', { body, faults: { rateBytesPerSec: 256 * 1024 } })
}, 60_000)
afterAll(async () => {
  await server.close()
})
afterEach(async () => {
  await h?.close()
  h = undefined
})

const rule = (pins: string[], pinMode: 'enforce' | 'report' = 'enforce') => ({
  pattern: 'a.test',
  addresses: ['127.0.0.1'],
  pins,
  pinMode,
})

describe("a transfer's connection in its view", () => {
  it('is in the view, the snapshot and a change batch after a real download, and survives a restart', async () => {
    h = await makeHarness({ rules: [rule([pki.aTest.pin])], ca: [pki.rootPem] })
    const batches: Changes[] = []
    h.queue.subscribe((c) => batches.push(c))
    const before = h.queue.add({ url: server.url('/slow.bin', 'a.test'), dir: h.dir, split: 4 })
    expect(h.queue.view(before).connection).toBeNull()
    h.queue.start([before.id])
    const [row] = await h.queue.settled([before.id])
    expect(row?.state).toBe('completed')

    const expected = {
      address: '127.0.0.1',
      port: server.port,
      servername: 'a.test',
      protocol: 'TLSv1.3',
      verified: true,
      pinned: true,
    }
    const view = h.queue.view(h.store.transfers.get(before.id) ?? before)
    expect(view.connection).toEqual(expected)
    // The contract's own schema (strict) accepts it, as the IPC output check will.
    expect(TransferView.parse(view)).toEqual(view)
    expect(h.queue.snapshot().transfers.find((t) => t.id === before.id)?.connection).toEqual(expected)
    // The row updated live: some batch carried the connection before the download ended.
    const finalBatch = () => batches.some((b) => b.patches.some((p) => p.id === before.id && p.state === 'completed'))
    await waitFor(finalBatch)
    const patches = batches.flatMap((b) => b.patches).filter((p) => p.id === before.id)
    const first = patches.findIndex((p) => p.connection !== null)
    expect(first).toBeGreaterThanOrEqual(0)
    expect(patches.slice(first).every((p) => p.connection !== null)).toBe(true)
    expect(patches[first]?.state).not.toBe('completed')

    // Kept in the store: a restarted app still shows where a finished download came from.
    const { stateDir, dir } = h
    await h.close()
    h = await makeHarness({ stateDir, dir })
    expect(h.queue.snapshot().transfers.find((t) => t.id === before.id)?.connection).toEqual(expected)
  })

  it('reports a pin that did not match (report mode lets the download go on)', async () => {
    h = await makeHarness({ rules: [rule([pki.bTest.pin], 'report')], ca: [pki.rootPem] })
    const row = await h.download(server.url('/f.bin', 'a.test'))
    expect(row.state).toBe('completed')
    expect(h.queue.view(row).connection).toMatchObject({ servername: 'a.test', verified: true, pinned: false })
  })

  it('has none for a transfer whose only handshake was refused: an enforced pin mismatch', async () => {
    h = await makeHarness({ rules: [rule([pki.bTest.pin])], ca: [pki.rootPem] })
    const row = await h.download(server.url('/f.bin', 'a.test'))
    expect(row).toMatchObject({ state: 'failed', errorCode: 'PIN_MISMATCH' })
    expect(h.queue.view(row).connection).toBeNull()
  })

  it('for plain HTTP has the address only: no SNI, no TLS version, not verified, no pin field', async () => {
    const plain = await startFaultServer()
    try {
      plain.serve('/p.bin', { body })
      h = await makeHarness()
      const row = await h.download(plain.url('/p.bin'))
      expect(h.queue.view(row).connection).toEqual({
        address: '127.0.0.1',
        port: plain.port,
        servername: null,
        protocol: null,
        verified: false,
      })
    } finally {
      await plain.close()
    }
  })
})
