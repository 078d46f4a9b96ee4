import { afterEach, describe, expect, it } from 'vitest'

import { ran, statementsDuring } from '../../fixtures/statement-count.ts'
import { openStore, type Store, type StoreOptions } from '../../../electron/store/open-store.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

const dirs: string[] = []
const stores: Store[] = []

afterEach(async () => {
  for (const s of stores.splice(0)) s.close()
  for (const d of dirs.splice(0)) await removeTempDir(d)
})

async function tempDir(): Promise<string> {
  const dir = await makeTempDir('stmts')
  dirs.push(dir)
  return dir
}

function open(opts: StoreOptions): Store {
  const store = openStore(opts)
  stores.push(store)
  return store
}

const SECRETS_READ = 'SELECT sealed FROM secrets'

describe('secrets of transfers that have none', () => {
  it('are answered without a read once the ids with secrets are known', async () => {
    const dir = await tempDir()
    const store = open({ dir })
    const plain = Array.from({ length: 20 }, (_, i) => store.transfers.insert({ url: `https://h.test/${i}`, dir }))
    const { result, counts } = await statementsDuring(() => plain.map((t) => store.secrets.getAll(t.id)))
    expect(result.every((s) => s === undefined)).toBe(true)
    expect(ran(counts, SECRETS_READ)).toBe(0)
  })

  it('a secret added after the ids were loaded is read back, and one on disk before the open too', async () => {
    const dir = await tempDir()
    let store = open({ dir })
    const a = store.transfers.insert({ url: 'https://h.test/a', dir })
    const b = store.transfers.insert({ url: 'https://h.test/b', dir })
    expect(store.secrets.getAll(a.id)).toBeUndefined()
    store.secrets.putAll(a.id, { username: 'u', password: 'late-pw' })
    expect(store.secrets.getAll(a.id)?.password).toBe('late-pw')
    store.secrets.put(b.id, { username: 'v', password: 'put-pw' })
    expect(store.secrets.get(b.id)?.password).toBe('put-pw')
    store.close()
    store = open({ dir })
    expect(store.secrets.getAll(a.id)?.password).toBe('late-pw')
    expect(store.secrets.get(b.id)?.password).toBe('put-pw')
  })

  it('a delete that is rolled back leaves the secret readable', async () => {
    const dir = await tempDir()
    const store = open({ dir })
    const a = store.transfers.insert({ url: 'https://h.test/a', dir })
    store.secrets.putAll(a.id, { username: 'u', password: 'kept-pw' })
    expect(() =>
      store.transaction(() => {
        store.secrets.remove(a.id)
        store.secrets.putAll(a.id, {})
        throw new Error('changed my mind')
      }),
    ).toThrow(/changed my mind/)
    expect(store.secrets.getAll(a.id)?.password).toBe('kept-pw')
  })

  it('a new transfer given the id of a removed one with secrets has none', async () => {
    const dir = await tempDir()
    const store = open({ dir })
    const a = store.transfers.insert({ url: 'https://h.test/a', dir })
    store.secrets.putAll(a.id, { username: 'u', password: 'old-pw' })
    store.transfers.remove(a.id)
    const again = store.transfers.insert({ url: 'https://h.test/again', dir })
    expect(again.id).toBe(a.id)
    expect(store.secrets.getAll(again.id)).toBeUndefined()
  })

  it('a read-only store still reads: the writer in the other process may add secrets at any time', async () => {
    const dir = await tempDir()
    const writer = open({ dir })
    const a = writer.transfers.insert({ url: 'https://h.test/a', dir })
    writer.flush()
    const reader = open({ dir, readOnly: true })
    expect(reader.secrets.getAll(a.id)).toBeUndefined()
    writer.secrets.putAll(a.id, { username: 'u', password: 'seen-pw' })
    writer.flush()
    expect(reader.secrets.getAll(a.id)?.password).toBe('seen-pw')
  })
})

describe('reading many transfers', () => {
  it('getMany gives the rows that exist, by id, in one statement', async () => {
    const dir = await tempDir()
    const store = open({ dir })
    const rows = Array.from({ length: 50 }, (_, i) => store.transfers.insert({ url: `https://h.test/${i}`, dir }))
    store.transfers.remove(rows[3]!.id)
    const ids = [...rows.map((r) => r.id), 9_999]
    const { result, total } = await statementsDuring(() => store.transfers.getMany(ids))
    expect(total).toBe(1)
    expect(result.size).toBe(49)
    expect(result.has(rows[3]!.id)).toBe(false)
    expect(result.has(9_999)).toBe(false)
    for (const r of rows) if (r.id !== rows[3]!.id) expect(result.get(r.id)).toEqual(store.transfers.get(r.id))
    expect(store.transfers.getMany([]).size).toBe(0)
  })
})

describe('the duplicate check of the add path', () => {
  /** What the add path asked before, in two statements. */
  const twoQueries = (store: Store, url: string, dir: string, name: string | null) =>
    store.transfers.findResumable(url, dir, name) ?? store.transfers.findCompleted(url, dir, name)

  it('finds the newest unfinished one before any completed one, never a canceled one, in one statement', async () => {
    const dir = await tempDir()
    const store = open({ dir })
    const url = 'https://h.test/file.bin'
    const check = async (name: string | null) => {
      const { result, total } = await statementsDuring(() => store.transfers.findExisting(url, dir, name))
      expect(total).toBe(1)
      expect(result).toEqual(twoQueries(store, url, dir, name))
      return result
    }
    expect(await check(null)).toBeUndefined()
    const done = store.transfers.insert({ url, dir, name: 'file.bin', state: 'completed' })
    expect((await check(null))?.id).toBe(done.id)
    const canceled = store.transfers.insert({ url, dir, name: 'file.bin', state: 'canceled' })
    expect((await check('file.bin'))?.id).toBe(done.id)
    const failed = store.transfers.insert({ url, dir, name: 'file.bin', state: 'failed' })
    expect((await check('file.bin'))?.id).toBe(failed.id)
    // A completed one newer than the unfinished one: the unfinished one is still what resumes.
    const newer = store.transfers.insert({ url, dir, name: 'file.bin', state: 'completed' })
    expect((await check('file.bin'))?.id).toBe(failed.id)
    expect(await check('other.bin')).toBeUndefined()
    // userinfo is ignored as before.
    const { result } = await statementsDuring(() =>
      store.transfers.findExisting('https://u:p@h.test/file.bin', dir, null),
    )
    expect(result?.id).toBe(failed.id)
    expect([canceled.id, newer.id]).not.toContain(result?.id)
  })
})

describe('claimed target paths', () => {
  it('are read once, then answered without a statement, and follow every write and rollback', async () => {
    const dir = await tempDir()
    const store = open({ dir })
    const a = store.transfers.insert({ url: 'https://h.test/a', dir, targetPath: '/d/a.bin' })
    const b = store.transfers.insert({ url: 'https://h.test/b', dir })
    const paths = ['/d/a.bin', '/d/b.bin', '/d/b (1).bin', '/d/c.bin', '/d/gone.bin']
    /** What the table says, asked of a reader that keeps nothing. */
    const truth = () => {
      store.flush()
      const reader = openStore({ dir, readOnly: true })
      try {
        return paths.map((p) => reader.transfers.isTargetTaken(p))
      } finally {
        reader.close()
      }
    }
    const kept = () => paths.map((p) => store.transfers.isTargetTaken(p))
    expect(kept()).toEqual(truth())
    const { total } = await statementsDuring(() => kept())
    expect(total).toBe(0)

    store.transfers.update(b.id, { targetPath: '/d/b.bin' })
    expect(kept()).toEqual(truth())
    store.transfers.update(b.id, { targetPath: '/d/b (1).bin' })
    expect(kept()).toEqual(truth())
    store.transfers.insert({ url: 'https://h.test/c', dir, targetPath: '/d/c.bin' })
    const gone = store.transfers.insert({ url: 'https://h.test/g', dir, targetPath: '/d/gone.bin' })
    expect(kept()).toEqual(truth())
    store.transfers.remove(gone.id)
    store.transfers.update(a.id, { targetPath: null })
    expect(kept()).toEqual(truth())
    expect(kept()).toEqual([false, false, true, true, false])

    // A claim taken back by a rollback is free again; one refused by the UNIQUE constraint changes nothing.
    expect(() =>
      store.transaction(() => {
        store.transfers.update(a.id, { targetPath: '/d/a.bin' })
        throw new Error('rolled back')
      }),
    ).toThrow(/rolled back/)
    expect(() => store.transfers.update(a.id, { targetPath: '/d/c.bin' })).toThrow(/already writes/)
    expect(kept()).toEqual(truth())
    expect(kept()).toEqual([false, false, true, true, false])
  })
})

describe('the next queued transfers', () => {
  /** A small seeded generator, so a failure can be replayed. */
  const prng = (seed: number) => () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    return seed / 2 ** 31
  }

  it('are found by walking the queue index alone when the store keeps their rows', async () => {
    const dir = await tempDir()
    const store = open({ dir })
    for (let i = 0; i < 100; i++) store.transfers.insert({ url: `https://h.test/${i}`, dir })
    store.transfers.update(1, { state: 'downloading' })
    const { result, counts } = await statementsDuring(() => store.transfers.nextQueued(2))
    expect(result.map((r) => r.id)).toEqual([2, 3])
    expect(result[0]).toEqual(store.transfers.list()[1])
    // Neither the whole queued rows nor one row at a time: the rows come from what the store already keeps.
    expect(ran(counts, 'SELECT *')).toBe(0)
    expect(ran(counts, "SELECT id FROM transfers WHERE state = 'queued'")).toBe(1)
  })

  it('are what the table says after any mix of writes and rollbacks, with one read per many steps', async () => {
    const dir = await tempDir()
    const store = open({ dir })
    const random = prng(7)
    const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(random() * xs.length)]
    const states = ['queued', 'queued', 'queued', 'connecting', 'downloading', 'paused', 'completed'] as const
    for (let i = 0; i < 150; i++) store.transfers.insert({ url: `https://h.test/${i}`, dir })
    /** The truth, from a query that keeps nothing: queued rows in queue order, filtered as nextQueued filters. */
    const truth = (limit: number, ids?: ReadonlySet<number>, accept?: (r: TransferRowLike) => boolean) =>
      store.transfers
        .list()
        .filter((r) => r.state === 'queued' && (ids === undefined || ids.has(r.id)) && (!accept || accept(r)))
        .slice(0, limit)
    let reads = 0
    for (let step = 0; step < 600; step++) {
      const ids = store.transfers.list().map((r) => r.id)
      const op = random()
      if (op < 0.25) {
        const id = pick(ids)
        if (id !== undefined) store.transfers.update(id, { state: pick(states) ?? 'queued' })
      } else if (op < 0.35) {
        store.transfers.insert({ url: `https://h.test/n${step}`, dir, ...(random() < 0.3 ? { state: 'paused' } : {}) })
      } else if (op < 0.42) {
        const id = pick(ids)
        if (id !== undefined) store.transfers.remove(id)
      } else if (op < 0.47) {
        store.transfers.reorder([pick(ids) ?? 0, pick(ids) ?? 0])
      } else if (op < 0.55) {
        const id = pick(ids)
        if (id !== undefined) store.transfers.update(id, { priority: random() < 0.5 ? 'background' : 'normal' })
      } else if (op < 0.6) {
        expect(() =>
          store.transaction(() => {
            for (const id of ids.slice(0, 5)) store.transfers.update(id, { state: pick(states) ?? 'queued' })
            store.transfers.insert({ url: `https://h.test/r${step}`, dir })
            // Read inside the transaction: what it keeps of rows the rollback then undoes must not outlive it.
            store.transfers.nextQueued(3)
            throw new Error('rolled back')
          }),
        ).toThrow(/rolled back/)
      }
      const limit = 1 + Math.floor(random() * 4)
      const scope = random() < 0.3 ? new Set(ids.filter(() => random() < 0.5)) : undefined
      const accept = random() < 0.3 ? (r: TransferRowLike) => r.priority === 'normal' : undefined
      const { result, counts } = await statementsDuring(() => store.transfers.nextQueued(limit, scope, accept))
      reads += ran(counts, "WHERE state = 'queued'")
      expect(result).toEqual(truth(limit, scope, accept))
    }
    // Most steps were answered from what the last read kept.
    expect(reads).toBeLessThan(300)
  })
})

type TransferRowLike = { id: number; state: string; priority: string }
