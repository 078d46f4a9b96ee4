import { afterEach, describe, expect, it } from 'vitest'

import { MAX_CONNECTIONS_PER_TRANSFER } from '../../../electron/store/connections-repo.ts'
import { openStore, type Store } from '../../../electron/store/open-store.ts'
import type { ConnectionInfo } from '../../../shared/connection.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

const dirs: string[] = []
const stores: Store[] = []

afterEach(async () => {
  for (const s of stores.splice(0)) s.close()
  for (const d of dirs.splice(0)) await removeTempDir(d)
})

async function open(dir?: string): Promise<Store> {
  const d = dir ?? (await makeTempDir('connections'))
  if (dir === undefined) dirs.push(d)
  const store = openStore({ dir: d })
  stores.push(store)
  return store
}

const info = (n: number, extra: Partial<ConnectionInfo> = {}): ConnectionInfo => ({
  url: 'https://a.test/x',
  host: 'a.test',
  address: `127.0.0.${n % 250}`,
  port: 443,
  servername: 'a.test',
  hostHeader: 'a.test',
  protocol: 'TLSv1.3',
  cipher: 'TLS_AES_256_GCM_SHA384',
  alpn: 'http/1.1',
  chain: [{ subject: 'CN=a.test', issuer: 'CN=CA', validFrom: 'x', validTo: 'y', spki: 'pin', fingerprint256: 'AA' }],
  verified: true,
  trust: 'ca',
  connectMs: 1,
  handshakeMs: 2,
  attempts: [],
  at: `2030-01-01T00:00:00.${String(n).padStart(3, '0')}Z`,
  ...extra,
})

describe("a transfer's connection history", () => {
  it('is kept per transfer, oldest first, and survives closing and reopening the state folder', async () => {
    const store = await open()
    const a = store.transfers.insert({ url: 'https://a.test/x', dir: '/d' }).id
    const b = store.transfers.insert({ url: 'https://a.test/x', dir: '/e' }).id
    store.connections.add(a, info(1))
    const refused = info(2, { verified: true, pinned: false, refused: { code: 'PIN_MISMATCH', message: 'no pin' } })
    store.connections.add(b, refused)
    store.connections.add(a, info(3, { reused: true }))
    const dir = store.dir
    store.close()

    const again = await open(dir)
    expect(again.connections.list(a).map((c) => c.info)).toEqual([info(1), info(3, { reused: true })])
    // The same URL, another transfer: its history is its own.
    expect(again.connections.list(b).map((c) => c.info)).toEqual([refused])
  })

  it('records the time to the first byte once it is known', async () => {
    const store = await open()
    const id = store.transfers.insert({ url: 'https://a.test/x', dir: '/d' }).id
    const row = store.connections.add(id, info(1))
    store.connections.setFirstByte(row, 12.5)
    expect(store.connections.list(id)[0]?.info).toEqual({ ...info(1), firstByteMs: 12.5 })
  })

  it('is bounded to the latest connections, and goes with the transfer', async () => {
    const store = await open()
    const id = store.transfers.insert({ url: 'https://a.test/x', dir: '/d' }).id
    const total = MAX_CONNECTIONS_PER_TRANSFER + 7
    for (let i = 0; i < total; i++) store.connections.add(id, info(i))
    const kept = store.connections.list(id)
    expect(kept).toHaveLength(MAX_CONNECTIONS_PER_TRANSFER)
    // Pruned in steps: what is stored stays within a few of the cap, never grows with the transfer's age.
    expect(store.connections.list(id, 1000).length).toBeLessThan(MAX_CONNECTIONS_PER_TRANSFER + 8)
    for (let i = 0; i < 200; i++) store.connections.add(id, info(total + i))
    expect(store.connections.list(id, 1000).length).toBeLessThan(MAX_CONNECTIONS_PER_TRANSFER + 8)
    expect(kept[0]?.info.at).toBe(info(7).at)
    expect(kept.at(-1)?.info.at).toBe(info(total - 1).at)
    expect(store.connections.list(id).at(-1)?.info.at).toBe(info(total + 199).at)
    store.transfers.remove(id)
    expect(store.connections.list(id)).toEqual([])
  })
})
