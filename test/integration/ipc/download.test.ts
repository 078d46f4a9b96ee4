import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import type { Payload } from '../../../shared/ipc.ts'
import type { TransferView } from '../../../shared/transfer.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { waitFor } from '../../fixtures/wait-for.ts'
import { makeIpcHarness, type IpcHarness } from './ipc-harness.ts'

let server: FaultServer
let h: IpcHarness

beforeAll(async () => {
  server = await startFaultServer()
})
afterAll(async () => {
  await server.close()
})
afterEach(async () => {
  await h?.close()
})

describe('a download driven over IPC', () => {
  it('transfers:add starts a real download whose progress and completion arrive as transfers:changed', async () => {
    const body = makePayload(2 * 1024 * 1024, 11)
    server.serve('/big.bin', { body, faults: { rateBytesPerSec: 8 * 1024 * 1024 } })
    h = await makeIpcHarness()
    const batches: Array<Payload<'transfers:changed'>> = []
    const off = h.api.on('transfers:changed', (c) => batches.push(c))

    // The renderer's pattern: take a snapshot, then apply only batches newer than its seq.
    const snapshot = await h.api.invoke('transfers:list', {})
    const { added, rejected } = await h.api.invoke('transfers:add', {
      urls: [server.url('/big.bin')],
      options: { split: 4, checksum: `sha256=${sha256(body)}` },
    })
    expect(rejected).toEqual([])
    const id = added[0]?.id ?? 0
    const mirror = new Map<number, TransferView>(snapshot.transfers.map((t) => [t.id, t]))
    let seq = snapshot.seq
    await waitFor(() => {
      for (const b of batches.splice(0)) {
        if (b.seq <= seq) continue
        seq = b.seq
        for (const t of b.patches) mirror.set(t.id, t)
        for (const r of b.removed) mirror.delete(r)
      }
      return mirror.get(id)?.state === 'completed'
    })
    off()

    const done = mirror.get(id)
    expect(done).toMatchObject({ state: 'completed', total: body.length, done: body.length, error: null })
    expect(done?.savedPath).toBe(join(h.downloadDir, 'big.bin'))
    expect(sha256(await readFile(join(h.downloadDir, 'big.bin')))).toBe(sha256(body))
    // Every batch went through the contract's event schema shape: seq grows by one per batch.
    const seqs = h.emitted.filter((e) => e.channel === 'transfers:changed').map((e) => e.payload.seq)
    expect(seqs).toEqual(seqs.map((_, i) => i + 1))
  })

  it('a failed download arrives as data: state failed with an error code, not as an exception', async () => {
    server.serve('/forbidden.bin', { body: Buffer.from('x'), faults: { status: 403 } })
    h = await makeIpcHarness()
    const { added } = await h.api.invoke('transfers:add', { urls: [server.url('/forbidden.bin')] })
    const id = added[0]?.id ?? 0
    await waitFor(() =>
      h.emitted.some(
        (e) => e.channel === 'transfers:changed' && e.payload.patches.some((t) => t.id === id && t.state === 'failed'),
      ),
    )
    const list = await h.api.invoke('transfers:list', {})
    expect(list.transfers[0]?.error).toMatchObject({ code: 'HTTP_STATUS' })
  })
})
