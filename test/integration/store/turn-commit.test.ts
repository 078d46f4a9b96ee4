import { statSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { execFileSync } from 'node:child_process'

import { afterEach, describe, expect, it } from 'vitest'

import { DB_FILE, openStore, type Store } from '../../../electron/store/open-store.ts'
import { COMMIT_INTERVAL_MS } from '../../../electron/store/turn-commit.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

const dirs: string[] = []
const stores: Store[] = []
afterEach(async () => {
  for (const s of stores.splice(0)) s.close()
  for (const d of dirs.splice(0)) {
    try {
      execFileSync('umount', [d], { stdio: 'ignore' })
    } catch {
      // Not a mount point.
    }
    await removeTempDir(d)
  }
})

async function freshStore(opts: { commitIntervalMs?: number } = {}): Promise<{ store: Store; dir: string }> {
  const dir = await makeTempDir('turn-commit')
  dirs.push(dir)
  const store = openStore({ dir, ...opts })
  stores.push(store)
  return { store, dir }
}

const turnEnds = () => new Promise((resolve) => setImmediate(resolve))

/** What another process sees: a separate connection to the same file. */
function outsider(dir: string): DatabaseSync {
  return new DatabaseSync(join(dir, DB_FILE), { readOnly: true })
}

/** WAL frames written so far (a 32-byte header, then a 24-byte header per page): a commit appends a frame per page. */
function walFrames(dir: string, pageSize: number): number {
  return Math.max(0, (statSync(join(dir, `${DB_FILE}-wal`)).size - 32) / (pageSize + 24))
}

describe('group commit: the writes of one turn are one commit', () => {
  it('makes a turn of writes visible to other connections together, when the turn ends', async () => {
    const { store, dir } = await freshStore()
    const other = outsider(dir)
    const count = () => Number(other.prepare('SELECT COUNT(*) AS n FROM transfers').get()?.['n'])
    const { id } = store.transfers.insert({ url: 'https://example.com/a', dir: '/d' })
    store.transfers.update(id, { state: 'downloading' })
    store.events.add(id, 'retry', 'once')
    // This process reads its own writes at once...
    expect(store.transfers.get(id)?.state).toBe('downloading')
    // ...another sees none of them yet...
    expect(count()).toBe(0)
    await turnEnds()
    // ...and all of them after the turn.
    expect(count()).toBe(1)
    expect(other.prepare('SELECT state FROM transfers').get()?.['state']).toBe('downloading')
    other.close()
  })

  it('writes fewer WAL frames for a turn of writes than for the same writes one commit each', async () => {
    const { store, dir } = await freshStore()
    const ids = Array.from({ length: 8 }, (_, i) => store.transfers.insert({ url: `https://e.com/${i}`, dir: '/d' }).id)
    store.flush()
    const other = outsider(dir)
    const pageSize = Number(other.prepare('PRAGMA page_size').get()?.['page_size'])
    other.close()
    const before = walFrames(dir, pageSize)
    for (const id of ids) store.transfers.update(id, { state: 'downloading' })
    store.flush()
    const grouped = walFrames(dir, pageSize) - before
    for (const id of ids) {
      store.transfers.update(id, { state: 'completed' })
      store.flush()
    }
    const separate = walFrames(dir, pageSize) - before - grouped
    expect(grouped).toBeGreaterThan(0)
    expect(grouped * 4).toBeLessThan(separate)
  })

  it('while writes keep coming, commits at most once per interval: later turns join the open commit', async () => {
    // An interval long enough that no machine, however loaded, ends it between the turns below.
    const { store, dir } = await freshStore({ commitIntervalMs: 2_000 })
    const other = outsider(dir)
    const count = () => Number(other.prepare('SELECT COUNT(*) AS n FROM transfers').get()?.['n'])
    store.transfers.insert({ url: 'https://example.com/first', dir: '/d' })
    await turnEnds()
    expect(count()).toBe(1)
    // A write right after a commit waits for the interval, and the writes of the turns meanwhile join it.
    store.transfers.insert({ url: 'https://example.com/second', dir: '/d' })
    await turnEnds()
    store.transfers.insert({ url: 'https://example.com/third', dir: '/d' })
    await turnEnds()
    expect(count()).toBe(1)
    await waitFor(() => count() === 3, 10_000)
    other.close()
  })

  it('by default, while writes keep coming, the next commit comes a whole interval after the last', async () => {
    const { store, dir } = await freshStore()
    const other = outsider(dir)
    const count = () => Number(other.prepare('SELECT COUNT(*) AS n FROM transfers').get()?.['n'])
    const before = performance.now()
    store.transfers.insert({ url: 'https://example.com/first', dir: '/d' })
    await turnEnds()
    expect(count()).toBe(1)
    store.transfers.insert({ url: 'https://example.com/second', dir: '/d' })
    await waitFor(() => count() === 2)
    // A slower machine only makes this later, never earlier.
    expect(performance.now() - before).toBeGreaterThanOrEqual(COMMIT_INTERVAL_MS - 5)
    other.close()
  })

  it('keeps a transaction all-or-nothing inside the turn: a failed one undoes only itself', async () => {
    const { store, dir } = await freshStore()
    const { id } = store.transfers.insert({ url: 'https://example.com/a', dir: '/d' })
    expect(() =>
      store.transaction(() => {
        store.transfers.update(id, { state: 'failed' })
        throw new Error('boom')
      }),
    ).toThrow('boom')
    store.events.add(id, 'note', 'after')
    store.flush()
    const other = outsider(dir)
    expect(other.prepare('SELECT state FROM transfers').get()?.['state']).toBe('queued')
    expect(other.prepare('SELECT COUNT(*) AS n FROM events').get()?.['n']).toBe(1)
    other.close()
  })

  it('commits on close', async () => {
    const { store, dir } = await freshStore()
    store.transfers.insert({ url: 'https://example.com/a', dir: '/d' })
    store.close()
    const other = outsider(dir)
    expect(other.prepare('SELECT COUNT(*) AS n FROM transfers').get()?.['n']).toBe(1)
    other.close()
  })

  it('reports a commit that failed (a full disk) to the next write, as DISK_FULL', async () => {
    const dir = await makeTempDir('turn-commit-full')
    dirs.push(dir)
    try {
      // Room for a new store (its schema, WAL and key) and a few turns; the loop below fills the rest.
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=768k', 'tmpfs', dir])
    } catch {
      return void expect.soft(process.getuid?.(), 'mounting a small tmpfs needs root').not.toBe(0)
    }
    await mkdir(join(dir, 'state'))
    const store = openStore({ dir: join(dir, 'state') })
    stores.push(store)
    const { id } = store.transfers.insert({ url: 'https://example.com/a', dir: '/d' })
    store.flush()
    let failed: unknown
    // Fill the disk through the state database, one turn at a time, until a commit fails.
    for (let i = 0; i < 400 && failed === undefined; i++) {
      try {
        store.events.add(id, 'note', 'x'.repeat(4000))
        store.flush()
        await turnEnds()
      } catch (err) {
        failed = err
      }
    }
    expect(failed).toMatchObject({ code: 'DISK_FULL' })
    // The store goes on: the failed turn was rolled back, and what was committed before stays.
    expect(store.transfers.get(id)?.url).toBe('https://example.com/a')
  })
})
