import { afterEach, describe, expect, it } from 'vitest'

import { ran, statementsDuring } from '../../fixtures/statement-count.ts'
import type { Changes } from '../../../electron/queue/change-feed.ts'
import type { TransferView } from '../../../shared/transfer.ts'
import { makeHarness, type Harness } from '../../fixtures/engine-harness.ts'
import { startNginxFiles } from '../../fixtures/nginx.ts'
import type { FileServer } from '../../fixtures/file-server.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

let h: Harness | undefined
let server: FileServer | undefined

afterEach(async () => {
  await h?.close()
  h = undefined
  await server?.stop()
  server = undefined
})

const BY_ID = 'SELECT * FROM transfers WHERE id = ?'
const MANY = 'SELECT * FROM transfers WHERE id IN'

const addPaused = (harness: Harness, n: number) =>
  Array.from(
    { length: n },
    (_, i) => harness.queue.add({ url: `https://a.test/${i}.bin`, dir: harness.dir, split: 1, paused: true }).id,
  )

describe('reads of many transfers at once', () => {
  it('settled() on transfers that are not running reads them in one statement, not one each', async () => {
    h = await makeHarness()
    const ids = addPaused(h, 30)
    const harness = h
    const { result, counts } = await statementsDuring(() => harness.queue.settled(ids))
    expect(result.map((r) => r.id)).toEqual(ids)
    expect(result).toEqual(ids.map((id) => harness.store.transfers.get(id)))
    expect(ran(counts, BY_ID)).toBe(0)
    // At most one read at the start and one at the end; rows the writer already knows need none.
    expect(ran(counts, MANY)).toBeLessThanOrEqual(2)
  })

  it('a batch of changes builds every view from one read, equal to the view of a fresh read', async () => {
    h = await makeHarness()
    const batches: Changes[] = []
    h.queue.subscribe((c) => batches.push(c))
    const ids = addPaused(h, 30)
    const { counts } = await statementsDuring(() => waitFor(() => batches.length > 0))
    const patches = batches.flatMap((b) => b.patches)
    expect(patches.map((p) => p.id).sort((a, b) => a - b)).toEqual(ids)
    const harness = h
    for (const p of patches) expect(p).toEqual(harness.queue.view(harness.store.transfers.get(p.id)!))
    expect(ran(counts, BY_ID)).toBe(0)
    expect(ran(counts, MANY)).toBeLessThanOrEqual(batches.length)
  })

  it('a mirror kept from the batches of a real run shows what the store holds at the end', async () => {
    const n = 12
    const { harness, ids } = await serveAndAdd('f', n, 20_000, 4)
    const mirror = new Map<number, TransferView>()
    harness.queue.subscribe((c) => {
      for (const p of c.patches) mirror.set(p.id, p)
    })
    const { result, counts } = await runCounted(harness, ids)
    expect(result.map((r) => r.state)).toEqual(ids.map(() => 'completed'))
    await harness.queue.stop()
    for (const id of ids) expect(mirror.get(id)).toEqual(harness.queue.view(harness.store.transfers.get(id)!))
    // One read per file and more was the cost when every dirty transfer was read on its own.
    expect(ran(counts, BY_ID)).toBeLessThan(n)
  })

  it('a file that completes records its target in one savepoint and its completion in none', async () => {
    const n = 6
    const { harness, ids } = await serveAndAdd('c', n, 5_000, 2)
    const { result, counts } = await runCounted(harness, ids)
    expect(result.map((r) => r.state)).toEqual(ids.map(() => 'completed'))
    // The segments and the target go in together; "completed" and its event need no savepoint: the event waits
    // for the commit the completion goes in, and nothing about it can fail.
    expect(ran(counts, 'SAVEPOINT')).toBe(n)
    await harness.queue.stop()
    for (const [i, id] of ids.entries()) {
      const events = harness.store.events.list(id)
      expect(events.map((e) => [e.kind, e.message])).toEqual([['completed', `saved as ${harness.dir}/c${i}.bin`]])
    }
  })
})

/** `n` files named `<prefix><i>.bin` of about `size` bytes on nginx, added (not started) to a new harness. */
async function serveAndAdd(prefix: string, n: number, size: number, maxActive: number) {
  const files = Object.fromEntries(
    Array.from({ length: n }, (_, i) => [`${prefix}${i}.bin`, Buffer.alloc(size + i, i)] as const),
  )
  const fileServer = await startNginxFiles(files)
  server = fileServer
  const harness = await makeHarness({ maxActive })
  h = harness
  const ids = Object.keys(files).map(
    (f) => harness.queue.add({ url: fileServer.url(f), dir: harness.dir, split: 1 }).id,
  )
  return { harness, ids }
}

/** Start the transfers and wait until they settle, counting the statements meanwhile. */
function runCounted(harness: Harness, ids: number[]) {
  return statementsDuring(async () => {
    harness.queue.start(ids)
    return harness.queue.settled(ids)
  })
}
