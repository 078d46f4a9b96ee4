import { spawn } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'

import { afterEach, describe, expect, it } from 'vitest'

import { SCHEMA_VERSION } from '../../../electron/store/migrations.ts'
import { DB_FILE, openStore, type Store, type StoreOptions } from '../../../electron/store/open-store.ts'
import { LOCK_FILE } from '../../../electron/store/state-lock.ts'
import type { HostRule } from '../../../shared/domain.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

const dirs: string[] = []
const stores: Store[] = []

afterEach(async () => {
  for (const s of stores.splice(0)) s.close()
  for (const d of dirs.splice(0)) await removeTempDir(d)
})

const turnEnds = () => new Promise((resolve) => setImmediate(resolve))

async function tempDir(): Promise<string> {
  const dir = await makeTempDir('store')
  dirs.push(dir)
  return dir
}

function open(opts: StoreOptions): Store {
  const store = openStore(opts)
  stores.push(store)
  return store
}

function clock(start = 1_000): { now: () => number; advance: (ms: number) => void } {
  let t = start
  return { now: () => t, advance: (ms) => (t += ms) }
}

/** A raw connection for looking at what the store wrote, from outside its API. */
function inspect<T>(dir: string, fn: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(join(dir, DB_FILE), { readOnly: true })
  try {
    return fn(db)
  } finally {
    db.close()
  }
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise((resolve) => child.once('exit', resolve))
  return child.pid as number
}

describe('opening', () => {
  it('migrations create the schema and set user_version', async () => {
    const dir = await tempDir()
    open({ dir }).close()
    const { names, version } = inspect(dir, (db) => ({
      names: db
        .prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'")
        .all()
        .map((r) => r['name']),
      version: db.prepare('PRAGMA user_version').get()?.['user_version'],
    }))
    expect(names).toEqual(
      expect.arrayContaining([
        'transfers',
        'segments',
        'host_rules',
        'settings',
        'events',
        'transfers_position',
        'transfers_queue',
        'events_transfer',
      ]),
    )
    expect(version).toBe(SCHEMA_VERSION)
  })

  it('finds the next queued transfers by walking an index, with no sort of every queued row', async () => {
    const dir = await tempDir()
    open({ dir }).close()
    const plan = inspect(dir, (db) =>
      db
        .prepare(`EXPLAIN QUERY PLAN SELECT * FROM transfers WHERE state = 'queued' ORDER BY position, id LIMIT 8`)
        .all()
        .map((r) => String(r['detail'])),
    )
    expect(plan.join('\n')).toMatch(/USING INDEX transfers_queue/)
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/)
  })

  it('keeps data across a reopen, in WAL mode', async () => {
    const dir = await tempDir()
    const first = openStore({ dir })
    const row = first.transfers.insert({ url: 'https://example.com/a', dir: '/downloads' })
    first.settings.set('maxActive', 3)
    first.close()
    first.close() // idempotent

    expect(inspect(dir, (db) => db.prepare('PRAGMA journal_mode').get()?.['journal_mode'])).toBe('wal')
    const again = open({ dir })
    expect(again.transfers.get(row.id)).toEqual(row)
    expect(again.settings.get('maxActive')).toBe(3)
  })

  it('a second writer on the folder gets STATE_LOCKED naming the holder; closing frees it', async () => {
    const dir = await tempDir()
    const first = openStore({ dir })
    expect(() => openStore({ dir })).toThrow(
      expect.objectContaining({ code: 'STATE_LOCKED', message: expect.stringContaining(`pid ${process.pid}`) }),
    )
    first.close()
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
    open({ dir })
  })

  it('takes over the lock of a process that is gone', async () => {
    const dir = await tempDir()
    const pid = await deadPid()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, hostname: hostname(), startedAt: 1 }))
    open({ dir })
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid })
  })

  it('reads alongside a writer without the lock, and sees its commits', async () => {
    const dir = await tempDir()
    const writer = open({ dir })
    writer.transfers.insert({ url: 'https://example.com/a', dir: '/d' })
    await turnEnds()
    const reader = openStore({ dir, readOnly: true })
    expect(reader.transfers.list().map((r) => r.url)).toEqual(['https://example.com/a'])
    writer.transfers.insert({ url: 'https://example.com/b', dir: '/d' })
    writer.flush()
    expect(reader.transfers.count()).toBe(2)
    expect(() => reader.transfers.insert({ url: 'https://example.com/c', dir: '/d' })).toThrow(/readonly/)
    reader.close()
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true)
  })

  it('read-only on a folder with no database is an empty view and creates nothing', async () => {
    const dir = join(await tempDir(), 'never-used')
    const store = open({ dir, readOnly: true })
    expect(store.transfers.list()).toEqual([])
    expect(store.readOnly).toBe(true)
    expect(() => store.settings.set('x', 1)).toThrow()
    expect(existsSync(dir)).toBe(false)
  })

  /** A closed, multi-page database in `<dir>/copy` to damage; the store's own folder stays intact. */
  async function damageableCopy(): Promise<{ copy: string; dbPath: string; bytes: Buffer }> {
    const dir = await tempDir()
    const store = openStore({ dir })
    store.transaction(() => {
      for (let i = 0; i < 300; i++) {
        store.transfers.insert({ url: `https://example.com/${i}`, dir: '/d', targetPath: `/d/file-${i}.bin` })
      }
    })
    store.close()
    const copy = join(dir, 'copy')
    mkdirSync(copy)
    const dbPath = join(copy, DB_FILE)
    copyFileSync(join(dir, DB_FILE), dbPath)
    return { copy, dbPath, bytes: readFileSync(dbPath) }
  }

  function overwrite(path: string, at: number, data: Buffer): Buffer {
    const fd = openSync(path, 'r+')
    writeSync(fd, data, 0, data.length, at)
    closeSync(fd)
    return readFileSync(path)
  }

  function expectRefusedAndUntouched(copy: string, dbPath: string, before: Buffer, detail: RegExp): void {
    for (const readOnly of [false, true]) {
      expect(() => openStore({ dir: copy, readOnly })).toThrow(
        expect.objectContaining({ code: 'FILE_ERROR', message: expect.stringMatching(detail) }),
      )
    }
    expect(readFileSync(dbPath).equals(before)).toBe(true)
    expect(existsSync(join(copy, LOCK_FILE))).toBe(false)
  }

  it('refuses a database with garbage pages (FILE_ERROR) and leaves it byte-identical', async () => {
    const { copy, dbPath, bytes } = await damageableCopy()
    expect(bytes.length).toBeGreaterThan(8 * 4096)
    const middle = Math.floor(bytes.length / 2 / 4096) * 4096
    const before = overwrite(dbPath, middle, Buffer.alloc(2 * 4096, 0xa5))
    expectRefusedAndUntouched(copy, dbPath, before, /is damaged: .*malformed/)
  })

  it('refuses a database whose index disagrees with its table, as integrity_check reports', async () => {
    const { copy, dbPath, bytes } = await damageableCopy()
    // The table record holds url, dir and target_path back to back; the index record only the target path.
    const record = Buffer.from('https://example.com/150/d/d/file-150.bin')
    const at = bytes.indexOf(record)
    expect(at).toBeGreaterThan(0)
    const before = overwrite(dbPath, at + record.length - 'bin'.length, Buffer.from('BIN'))
    expectRefusedAndUntouched(copy, dbPath, before, /is damaged: row \d+ missing from index/)
  })
})

describe('transfers', () => {
  it('inserts at the end of the queue with the clock, and updates only the keys given', async () => {
    const t = clock()
    const store = open({ dir: await tempDir(), now: t.now })
    const a = store.transfers.insert({ url: 'https://example.com/a', dir: '/d' })
    const b = store.transfers.insert({
      url: 'https://example.com/b',
      dir: '/d',
      name: 'b.bin',
      split: 4,
      state: 'paused',
    })
    expect(a).toMatchObject({ state: 'queued', position: 1, split: 1, createdAt: 1_000, rangeSupported: false })
    expect(b).toMatchObject({ state: 'paused', position: 2, split: 4, name: 'b.bin' })

    t.advance(500)
    const updated = store.transfers.update(a.id, { state: 'downloading', rangeSupported: true, total: 10, etag: null })
    expect(updated).toEqual({ ...a, state: 'downloading', rangeSupported: true, total: 10, updatedAt: 1_500 })
    expect(store.transfers.listByState(['downloading', 'paused']).map((r) => r.id)).toEqual([a.id, b.id])
    expect(store.transfers.listByState([])).toEqual([])
    expect(() => store.transfers.update(999, { state: 'failed' })).toThrow(/no transfer 999/)
  })

  it('keeps statement journals in memory: no file outside the state folder holds database pages', async () => {
    const dir = await tempDir()
    const store = open({ dir })
    // A statement journal spills to a file past 64 KiB: a list of URLs added in one transaction is enough.
    const ids = store.transaction(() =>
      Array.from({ length: 2000 }, (_, i) => store.transfers.insert({ url: `https://example.com/${i}`, dir: '/d' }).id),
    )
    // What this process has open outside the state folder while updates run inside one transaction. SQLite
    // unlinks its temporary files at once, so only /proc/self/fd still shows them.
    const openElsewhere = (): string[] =>
      readdirSync('/proc/self/fd')
        .map((fd) => {
          try {
            return readlinkSync(join('/proc/self/fd', fd))
          } catch {
            return ''
          }
        })
        .filter((target) => /etilqs_|sqlite_/.test(target) && !target.startsWith(dir))
    let seen: string[] = []
    store.transaction(() => {
      for (const id of ids) store.transfers.update(id, { state: 'downloading', targetPath: `/d/${id}.bin` })
      store.transfers.insert({ url: 'https://example.com/last', dir: '/d' })
      seen = openElsewhere()
    })
    expect(seen).toEqual([])
  })

  it('rejects a second transfer with the same target path', async () => {
    const store = open({ dir: await tempDir() })
    store.transfers.insert({ url: 'https://example.com/a', dir: '/d', targetPath: '/d/file.bin' })
    expect(store.transfers.isTargetTaken('/d/file.bin')).toBe(true)
    expect(store.transfers.isTargetTaken('/d/other.bin')).toBe(false)
    expect(() =>
      store.transfers.insert({ url: 'https://example.com/b', dir: '/d', targetPath: '/d/file.bin' }),
    ).toThrow(expect.objectContaining({ code: 'FILE_ERROR', message: expect.stringContaining('/d/file.bin') }))
    const c = store.transfers.insert({ url: 'https://example.com/c', dir: '/d' })
    store.transfers.insert({ url: 'https://example.com/d', dir: '/d' }) // two unnamed targets do not collide
    expect(() => store.transfers.update(c.id, { targetPath: '/d/file.bin' })).toThrow(
      expect.objectContaining({ code: 'FILE_ERROR' }),
    )
  })

  it('finds the newest unfinished transfer of a url into a folder', async () => {
    const store = open({ dir: await tempDir() })
    const url = 'https://example.com/a'
    const old = store.transfers.insert({ url, dir: '/d' })
    const newer = store.transfers.insert({ url, dir: '/d', state: 'failed' })
    store.transfers.insert({ url, dir: '/d', state: 'canceled' })
    store.transfers.insert({ url, dir: '/elsewhere' })
    const named = store.transfers.insert({ url, dir: '/d', name: 'x.bin', state: 'paused' })
    const done = store.transfers.insert({ url, dir: '/d', state: 'completed' })

    expect(store.transfers.findResumable(url, '/d', null)?.id).toBe(named.id)
    expect(store.transfers.findResumable(url, '/d', 'x.bin')?.id).toBe(named.id)
    expect(store.transfers.findResumable(url, '/d', 'y.bin')).toBeUndefined()
    store.transfers.update(named.id, { state: 'completed' })
    expect(store.transfers.findResumable(url, '/d', null)?.id).toBe(newer.id)
    expect(store.transfers.findCompleted(url, '/d', null)?.id).toBe(done.id)
    expect(store.transfers.findResumable('https://example.com/other', '/d', null)).toBeUndefined()
    expect(old.id).toBeLessThan(newer.id)
  })

  it('reorder moves the given ids to the front in that order', async () => {
    const store = open({ dir: await tempDir() })
    const ids = ['a', 'b', 'c', 'd'].map(
      (n) => store.transfers.insert({ url: `https://example.com/${n}`, dir: '/d' }).id,
    )
    const [a, b, c, d] = ids as [number, number, number, number]
    // b keeps position 2, so it is not among the rows reported as moved.
    expect(store.transfers.reorder([d, b, 999, d])).toEqual([d, a, c])
    expect(store.transfers.list().map((r) => r.id)).toEqual([d, b, a, c])
    expect(store.transfers.list().map((r) => r.position)).toEqual([1, 2, 3, 4])
    expect(store.transfers.insert({ url: 'https://example.com/e', dir: '/d' }).position).toBe(5)
  })

  it('removing a transfer removes its segments and events', async () => {
    const dir = await tempDir()
    const store = open({ dir })
    const { id } = store.transfers.insert({ url: 'https://example.com/a', dir: '/d' })
    store.segments.replace(id, [{ start: 0, end: 10, done: 5 }])
    store.events.add(id, 'retry', 'once')
    expect(store.transfers.remove(id)).toBe(true)
    expect(store.transfers.remove(id)).toBe(false)
    expect(store.segments.list(id)).toEqual([])
    expect(store.events.list(id)).toEqual([])
    expect(store.transfers.count()).toBe(0)
  })

  it('keeps an event log, latest last', async () => {
    const t = clock()
    const store = open({ dir: await tempDir(), now: t.now })
    const { id } = store.transfers.insert({ url: 'https://example.com/a', dir: '/d' })
    for (let i = 0; i < 5; i++) {
      store.events.add(id, 'retry', `retry ${i}`)
      t.advance(1)
    }
    expect(store.events.list(id, 2)).toEqual([
      expect.objectContaining({ transferId: id, kind: 'retry', message: 'retry 3', at: 1_003 }),
      expect.objectContaining({ message: 'retry 4', at: 1_004 }),
    ])
  })

  it('bounds the event log per transfer (1000, pruned every 16 events), dropping the oldest', async () => {
    const store = open({ dir: await tempDir() })
    const a = store.transfers.insert({ url: 'https://example.com/a', dir: '/d' }).id
    const b = store.transfers.insert({ url: 'https://example.com/b', dir: '/d' }).id
    store.events.add(b, 'note', 'kept')
    store.transaction(() => {
      for (let i = 0; i < 1_100; i++) store.events.add(a, 'retry', `retry ${i}`)
    })
    const events = store.events.list(a, 5_000)
    // Pruned to 1000 at the 1088th event, and 12 more since.
    expect(events).toHaveLength(1_012)
    expect(events[0]?.message).toBe('retry 88')
    expect(events.at(-1)?.message).toBe('retry 1099')
    expect(store.events.list(b).map((e) => e.message)).toEqual(['kept'])
    store.events.add(a, 'error', 'x'.repeat(10_000))
    expect(store.events.list(a, 1)[0]?.message).toHaveLength(4_096)
  })
})

describe('segments', () => {
  async function withTransfer(): Promise<{ store: Store; id: number }> {
    const store = open({ dir: await tempDir() })
    return { store, id: store.transfers.insert({ url: 'https://example.com/a', dir: '/d' }).id }
  }

  it('commitProgress never lowers done and caps it at the segment length', async () => {
    const { store, id } = await withTransfer()
    store.segments.replace(id, [
      { start: 100, end: 200, done: 0 },
      { start: 0, end: 100, done: 0 },
    ])
    store.segments.commitProgress(id, [
      { start: 0, done: 60 },
      { start: 100, done: 500 },
      { start: 7, done: 1 }, // not a segment: ignored
    ])
    store.segments.commitProgress(id, [{ start: 0, done: 40 }])
    expect(store.segments.list(id)).toEqual([
      { transferId: id, start: 0, end: 100, done: 60 },
      { transferId: id, start: 100, end: 200, done: 100 },
    ])
    expect(store.segments.durableBytes(id)).toBe(160)
  })

  it('replace rejects overlapping segments and keeps the old ones', async () => {
    const { store, id } = await withTransfer()
    store.segments.replace(id, [{ start: 0, end: 10, done: 0 }])
    expect(() =>
      store.segments.replace(id, [
        { start: 0, end: 10, done: 0 },
        { start: 5, end: 20, done: 0 },
      ]),
    ).toThrow(/overlap/)
    expect(() => store.segments.replace(id, [{ start: 0, end: 10, done: 11 }])).toThrow(/CHECK/)
    expect(store.segments.list(id)).toEqual([{ transferId: id, start: 0, end: 10, done: 0 }])
  })

  it('split gives away the undone tail, and rejects points outside it', async () => {
    const { store, id } = await withTransfer()
    store.segments.replace(id, [{ start: 0, end: 100, done: 30 }])
    for (const at of [30, 10, 100, 150, 50.5]) expect(() => store.segments.split(id, 0, at)).toThrow(RangeError)
    expect(() => store.segments.split(id, 5, 50)).toThrow(/no segment starting at 5/)
    expect(store.segments.split(id, 0, 60)).toEqual({ transferId: id, start: 60, end: 100, done: 0 })
    expect(store.segments.list(id)).toEqual([
      { transferId: id, start: 0, end: 60, done: 30 },
      { transferId: id, start: 60, end: 100, done: 0 },
    ])
    // A late progress figure for the old, longer range is capped at the shrunk length.
    store.segments.commitProgress(id, [{ start: 0, done: 80 }])
    expect(store.segments.durableBytes(id)).toBe(60)
  })
})

describe('host rules and settings', () => {
  const pin = `sha256//${Buffer.alloc(32, 7).toString('base64')}`

  it('host rules round-trip, keyed by pattern and port', async () => {
    const dir = await tempDir()
    const store = openStore({ dir })
    const every = store.hostRules.upsert({ pattern: 'Example.COM', addresses: ['127.0.0.1'], pins: [pin] } as HostRule)
    store.hostRules.upsert({ pattern: 'example.com', port: 8443, addresses: ['::1'] } as HostRule)
    store.hostRules.upsert({ ...every, sni: 'example.com' })
    store.close()

    const again = open({ dir })
    const rules = again.hostRules.list()
    expect(rules).toHaveLength(2)
    expect(rules[0]).toEqual({ ...every, sni: 'example.com' })
    expect(rules[0]).toMatchObject({ pattern: 'example.com', pinMode: 'enforce', trust: 'ca' })
    expect(rules[1]).toMatchObject({ port: 8443, addresses: ['::1'] })
    expect(again.hostRules.remove('EXAMPLE.com')).toBe(true)
    expect(again.hostRules.remove('example.com', 8443)).toBe(true)
    expect(again.hostRules.list()).toEqual([])
    // Rules are read once and kept; every change is seen by the next list.
    again.hostRules.upsert({ pattern: 'late.example' } as HostRule)
    expect(again.hostRules.list().map((r) => r.pattern)).toEqual(['late.example'])
  })

  it('a stored rule that no longer parses is skipped and reported', async () => {
    const dir = await tempDir()
    const store = open({ dir })
    store.hostRules.upsert({ pattern: 'good.example' } as HostRule)
    store.flush()
    const raw = new DatabaseSync(join(dir, DB_FILE))
    raw.prepare('INSERT INTO host_rules (pattern, port, rule) VALUES (?, 0, ?)').run('bad.example', '{"pattern":5}')
    raw.close()
    const invalid: string[] = []
    expect(store.hostRules.list((r) => invalid.push(r.pattern)).map((r) => r.pattern)).toEqual(['good.example'])
    expect(invalid).toEqual(['bad.example'])
  })

  it('settings round-trip as JSON', async () => {
    const dir = await tempDir()
    const store = openStore({ dir })
    store.settings.set('maxActive', 4)
    store.settings.set('dir', '/downloads')
    store.settings.set('limits', { global: 1024, perTransfer: null })
    store.settings.set('gone', true)
    store.settings.set('gone', undefined)
    store.close()

    const again = open({ dir })
    expect(again.settings.get<number>('maxActive')).toBe(4)
    expect(again.settings.get('missing')).toBeUndefined()
    expect(again.settings.all()).toEqual({
      dir: '/downloads',
      limits: { global: 1024, perTransfer: null },
      maxActive: 4,
    })
  })
})
