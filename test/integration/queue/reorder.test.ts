import { afterEach, describe, expect, it } from 'vitest'

import type { Changes } from '../../../electron/queue/change-feed.ts'
import type { TransferView } from '../../../shared/transfer.ts'
import { makeHarness, type Harness } from '../../fixtures/engine-harness.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

let h: Harness | undefined

afterEach(async () => {
  await h?.close()
  h = undefined
})

/**
 * `n` paused transfers (nothing runs and no server is needed: only the order is under test), with a listener
 * subscribed first; returns their ids and the batch list, emptied once the adds have gone out.
 */
async function queued(harness: Harness, n: number): Promise<{ ids: number[]; batches: Changes[] }> {
  const batches: Changes[] = []
  harness.queue.subscribe((changes) => batches.push(changes))
  const ids = Array.from(
    { length: n },
    (_, i) => harness.queue.add({ url: `https://a.test/${i}.bin`, dir: harness.dir, split: 1, paused: true }).id,
  )
  await waitFor(() => batches.flatMap((b) => b.patches).length === n)
  batches.length = 0
  return { ids, batches }
}

const patched = (batches: Changes[]) =>
  [...new Set(batches.flatMap((b) => b.patches.map((p) => p.id)))].sort((x, y) => x - y)

describe('reorder as listeners see it', () => {
  it('sends every row whose position moved, so a mirror sorted by position shows the new order', async () => {
    h = await makeHarness()
    const { ids, batches } = await queued(h, 4)
    const [a, b, c, d] = ids as [number, number, number, number]
    const mirror = new Map<number, TransferView>(h.queue.snapshot().transfers.map((t) => [t.id, t]))

    h.queue.reorder([d, c])
    await waitFor(() => batches.length > 0)
    for (const view of batches.flatMap((x) => x.patches)) mirror.set(view.id, view)
    const shown = [...mirror.values()].sort((x, y) => x.position - y.position || x.id - y.id).map((v) => v.id)
    expect(shown).toEqual([d, c, a, b])
    expect(h.store.transfers.list().map((r) => r.id)).toEqual([d, c, a, b])
    // a and b were not named but shifted down: their views had to go out too.
    expect(patched(batches)).toEqual([a, b, c, d])
  })

  it('sends nothing for rows that kept their place', async () => {
    h = await makeHarness()
    const { ids, batches } = await queued(h, 3)
    const [a, b, c] = ids as [number, number, number]
    h.queue.reorder([b, a])
    await waitFor(() => batches.length > 0)
    expect(patched(batches)).toEqual([a, b])
    expect(h.store.transfers.list().map((r) => r.id)).toEqual([b, a, c])
  })
})
