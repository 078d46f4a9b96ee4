import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { makeHarness, type Harness } from '../../fixtures/engine-harness.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

// The bytes a transfer's view shows once it stops running come from its row where the row can tell (none for a
// transfer that never claimed a name, the total for a completed one) and from its segments otherwise; each must
// agree with the segments, whichever way the queue gets there.
let server: FaultServer
let h: Harness | undefined
const body = makePayload(1024 * 1024, 47)

beforeAll(async () => {
  server = await startFaultServer()
  server.serve('/missing.bin', { body, faults: { status: 404 } })
  // About four seconds for the whole file: long enough to pause it part-way.
  server.serve('/slow.bin', { body, faults: { rateBytesPerSec: 256 * 1024 } })
}, 60_000)
afterAll(async () => {
  await server.close()
})
afterEach(async () => {
  await h?.close()
  h = undefined
})

describe('the bytes in a view of a transfer that is not running', () => {
  it('are none before a name is claimed, the durable ones when paused part-way, the total when completed', async () => {
    h = await makeHarness()
    const store = h.store
    const viewOf = (id: number) => {
      const row = store.transfers.get(id)
      if (!row) throw new Error(`no transfer ${id}`)
      return (h as Harness).queue.view(row)
    }

    const queued = h.queue.add({ url: server.url('/slow.bin'), dir: h.dir, split: 1 })
    expect(viewOf(queued.id).done).toBe(0)

    // Refused before any name was claimed: no segments, nothing shown.
    const missing = await h.download(server.url('/missing.bin'))
    expect(missing.state).toBe('failed')
    expect(missing.targetPath).toBeNull()
    expect(store.segments.list(missing.id)).toEqual([])
    expect(viewOf(missing.id).done).toBe(0)

    h.queue.start([queued.id])
    await waitFor(() => store.segments.durableBytes(queued.id) > 0)
    h.queue.pause([queued.id])
    const [paused] = await h.queue.settled([queued.id])
    expect(paused?.state).toBe('paused')
    const durable = store.segments.durableBytes(queued.id)
    expect(durable).toBeGreaterThan(0)
    expect(durable).toBeLessThan(body.length)
    expect(viewOf(queued.id).done).toBe(durable)

    h.queue.resume([queued.id])
    const [completed] = await h.queue.settled([queued.id])
    expect(completed?.state).toBe('completed')
    expect(store.segments.durableBytes(queued.id)).toBe(body.length)
    expect(viewOf(queued.id).done).toBe(body.length)
  }, 30_000)
})
