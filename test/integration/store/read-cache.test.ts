import { afterEach, describe, expect, it } from 'vitest'

import { openStore, type Store } from '../../../electron/store/open-store.ts'
import type { NodeReport } from '../../../shared/nodes.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'

// Settings and node rankings are kept in memory once read (the transport asks for both at every request); each
// write through the store must show at the next read, and what a reader is handed must be its own.
let store: Store | undefined
afterEach(() => {
  store?.close()
  store = undefined
})

const ranking = (address: string, at: string): NodeReport => ({
  url: 'https://a.test/f.bin',
  host: 'a.test',
  port: 443,
  nodes: [{ address, source: 'rule', bytes: 1024, bytesPerSecond: 1e6 }],
  at,
})

describe('reads the store keeps in memory', () => {
  it('a setting read before a write gives the new value after it, and the removal after that', async () => {
    const dir = await makeTempDir('read-cache')
    store = openStore({ dir })
    expect(store.settings.get('proxy')).toBeUndefined()
    store.settings.set('proxy', { mode: 'none' })
    expect(store.settings.get('proxy')).toEqual({ mode: 'none' })
    store.settings.set('proxy', { mode: 'system' })
    expect(store.settings.get('proxy')).toEqual({ mode: 'system' })
    store.settings.set('proxy', undefined)
    expect(store.settings.get('proxy')).toBeUndefined()
    store.settings.set('maxConcurrent', 3)

    // Each reader gets a value of its own: changing one does not change the next read.
    const first = store.settings.get<{ mode: string }>('proxy')
    expect(first).toBeUndefined()
    store.settings.set('proxy', { mode: 'none' })
    const mine = store.settings.get<{ mode: string }>('proxy')
    if (mine) mine.mode = 'changed by a caller'
    expect(store.settings.get('proxy')).toEqual({ mode: 'none' })

    // What was read last is what is in the file.
    store.close()
    store = openStore({ dir })
    expect(store.settings.get('proxy')).toEqual({ mode: 'none' })
    expect(store.settings.get('maxConcurrent')).toBe(3)
  })

  it("a host's ranking read before a measurement is stored gives the new one after it", async () => {
    const dir = await makeTempDir('read-cache')
    store = openStore({ dir })
    expect(store.nodeRankings.get('a.test', 443)).toBeUndefined()
    store.nodeRankings.put(ranking('192.0.2.1', '2026-12-07T01:00:00Z'), 1000)
    expect(store.nodeRankings.get('a.test', 443)).toMatchObject({
      measuredAt: 1000,
      report: { nodes: [{ address: '192.0.2.1' }] },
    })
    // Another port of the same host is another ranking.
    expect(store.nodeRankings.get('a.test', 8443)).toBeUndefined()
    store.nodeRankings.put(ranking('192.0.2.2', '2026-12-07T01:05:00Z'), 2000)
    const latest = store.nodeRankings.get('a.test', 443)
    expect(latest).toMatchObject({ measuredAt: 2000, report: { nodes: [{ address: '192.0.2.2' }] } })

    latest?.report.nodes.splice(0)
    expect(store.nodeRankings.get('a.test', 443)?.report.nodes).toHaveLength(1)

    store.close()
    store = openStore({ dir })
    expect(store.nodeRankings.get('a.test', 443)).toMatchObject({ measuredAt: 2000 })
  })
})
