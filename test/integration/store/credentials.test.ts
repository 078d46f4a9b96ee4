import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'

import { afterEach, describe, expect, it } from 'vitest'

import { migrate } from '../../../electron/store/migrations.ts'
import { DB_FILE, openStore, type Store, type StoreOptions } from '../../../electron/store/open-store.ts'
import { KEY_FILE, OS_KEY_FILE, type KeyWrap } from '../../../electron/store/secret-key.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

const dirs: string[] = []
const stores: Store[] = []

afterEach(async () => {
  for (const s of stores.splice(0)) s.close()
  for (const d of dirs.splice(0)) await removeTempDir(d)
})

async function tempDir(): Promise<string> {
  const dir = await makeTempDir('secrets')
  dirs.push(dir)
  return dir
}

function open(opts: StoreOptions): Store {
  const store = openStore(opts)
  stores.push(store)
  return store
}

function closeAll(): void {
  for (const s of stores.splice(0)) s.close()
}

/** Every file of the state folder that contains `needle` (as bytes), for proving a secret is not in clear. */
export function filesHolding(dir: string, needle: string): string[] {
  const bytes = Buffer.from(needle)
  return readdirSync(dir).filter((f) => readFileSync(join(dir, f)).includes(bytes))
}

const mode = (path: string) => statSync(path).mode & 0o777

/** A stand-in for Electron's safeStorage: reversible, and visibly not the key itself. */
const fakeOsWrap: KeyWrap = {
  wrap: (key) => Buffer.concat([Buffer.from('wrapped:'), Buffer.from(key).reverse()]),
  unwrap: (blob) => {
    if (!blob.subarray(0, 8).equals(Buffer.from('wrapped:'))) throw new Error('not wrapped by us')
    return Buffer.from(blob.subarray(8)).reverse()
  },
}

describe('the secrets store', () => {
  it('keeps credentials per transfer, encrypted; put replaces, remove and removing the transfer forget', async () => {
    const dir = await tempDir()
    const store = open({ dir })
    const a = store.transfers.insert({ url: 'https://host.test/a', dir })
    const b = store.transfers.insert({ url: 'https://host.test/b', dir })
    expect(store.secrets.get(a.id)).toBeUndefined()
    store.secrets.put(a.id, { username: 'alice-user', password: 'pw-one-Q7' })
    store.secrets.put(b.id, { username: 'bob-user', password: 'pw-two-Z9' })
    store.secrets.put(a.id, { username: 'alice-user', password: 'pw-three-K4' })
    expect(store.secrets.get(a.id)).toEqual({ username: 'alice-user', password: 'pw-three-K4' })
    expect(store.secrets.remove(a.id)).toBe(true)
    expect(store.secrets.get(a.id)).toBeUndefined()
    store.transfers.remove(b.id)
    expect(store.secrets.get(b.id)).toBeUndefined()
    closeAll()
    for (const s of ['pw-one-Q7', 'pw-two-Z9', 'pw-three-K4', 'alice-user', 'bob-user']) {
      expect(filesHolding(dir, s)).toEqual([])
    }
    expect(mode(join(dir, KEY_FILE))).toBe(0o600)
  })

  it('survives a reopen, and a ciphertext moved to another transfer does not open', async () => {
    const dir = await tempDir()
    let store = open({ dir })
    const a = store.transfers.insert({ url: 'https://host.test/a', dir })
    const b = store.transfers.insert({ url: 'https://host.test/b', dir })
    store.secrets.put(a.id, { username: 'u', password: 'p:@/%41' })
    closeAll()
    store = open({ dir })
    expect(store.secrets.get(a.id)).toEqual({ username: 'u', password: 'p:@/%41' })
    closeAll()
    const db = new DatabaseSync(join(dir, DB_FILE))
    db.exec(`INSERT INTO secrets (transfer_id, sealed) SELECT ${b.id}, sealed FROM secrets WHERE transfer_id = ${a.id}`)
    db.close()
    store = open({ dir })
    expect(() => store.secrets.get(b.id)).toThrow(/credentials/)
  })

  it('the app seals with an OS-wrapped key the CLI cannot open; what the CLI seals, both open', async () => {
    const dir = await tempDir()
    let store = open({ dir, keyWrap: fakeOsWrap })
    const a = store.transfers.insert({ url: 'https://host.test/a', dir })
    const b = store.transfers.insert({ url: 'https://host.test/b', dir })
    store.secrets.put(a.id, { username: 'u', password: 'app-pw' })
    closeAll()
    expect(readdirSync(dir)).not.toContain(KEY_FILE)
    const wrapped = readFileSync(join(dir, OS_KEY_FILE), 'utf8')
    expect(wrapped).toContain('"wrapped":true')
    expect(mode(join(dir, OS_KEY_FILE))).toBe(0o600)

    // The CLI: no OS wrap.
    store = open({ dir })
    expect(() => store.secrets.get(a.id)).toThrow(/desktop app/)
    store.secrets.put(b.id, { username: 'u', password: 'cli-pw' })
    expect(store.secrets.get(b.id)?.password).toBe('cli-pw')
    closeAll()

    store = open({ dir, keyWrap: fakeOsWrap })
    expect(store.secrets.get(a.id)?.password).toBe('app-pw')
    expect(store.secrets.get(b.id)?.password).toBe('cli-pw')
    closeAll()
    expect(filesHolding(dir, 'app-pw')).toEqual([])
    expect(filesHolding(dir, 'cli-pw')).toEqual([])
  })
})

describe('the state folder', () => {
  it('is 0700 with files 0600 when created', async () => {
    const dir = join(await tempDir(), 'state')
    const store = open({ dir })
    const t = store.transfers.insert({ url: 'https://host.test/a', dir })
    store.secrets.put(t.id, { username: 'u', password: 'p' })
    store.flush()
    expect(mode(dir)).toBe(0o700)
    for (const f of readdirSync(dir)) expect([f, mode(join(dir, f))]).toEqual([f, 0o600])
    expect(readdirSync(dir).sort()).toEqual([DB_FILE, `${DB_FILE}-shm`, `${DB_FILE}-wal`, 'pinpoint.lock', KEY_FILE])
  })

  it('an existing folder left 0755 with 0644 files is tightened when opened', async () => {
    const dir = await tempDir()
    // What an older pinpoint left: its files under the usual umask.
    const old = open({ dir })
    const t = old.transfers.insert({ url: 'https://host.test/a', dir })
    old.secrets.put(t.id, { username: 'u', password: 'p' })
    closeAll()
    // Another connection (an `ls` reading along) keeps -wal and -shm in place, as they were.
    const reader = new DatabaseSync(join(dir, DB_FILE))
    reader.prepare('SELECT COUNT(*) FROM transfers').get()
    chmodSync(dir, 0o755)
    for (const f of readdirSync(dir)) chmodSync(join(dir, f), 0o644)
    expect(readdirSync(dir).sort()).toEqual([DB_FILE, `${DB_FILE}-shm`, `${DB_FILE}-wal`, KEY_FILE])

    const store = open({ dir })
    store.transfers.insert({ url: 'https://host.test/b', dir })
    store.flush()
    expect(mode(dir)).toBe(0o700)
    const files = readdirSync(dir).sort()
    expect(files).toEqual([DB_FILE, `${DB_FILE}-shm`, `${DB_FILE}-wal`, 'pinpoint.lock', KEY_FILE])
    for (const f of files) expect([f, mode(join(dir, f))]).toEqual([f, 0o600])
    reader.close()
  })
})

describe('migration', () => {
  it('moves userinfo out of url and final_url into the secrets store, and no file keeps the password', async () => {
    const dir = await tempDir()
    // A database made the old way: schema v4, credentials in the URL columns, in WAL mode.
    const dbPath = join(dir, DB_FILE)
    const db = new DatabaseSync(dbPath)
    db.exec('PRAGMA journal_mode = WAL')
    migrate(db, dbPath, 4)
    const insert = db.prepare(
      `INSERT INTO transfers (url, final_url, dir, state, position, created_at, updated_at)
       VALUES (?, ?, ?, 'paused', ?, 0, 0)`,
    )
    insert.run('https://old-user:0ld-Pa55word@host.test/a.iso', 'https://old-user:0ld-Pa55word@host.test/b.iso', dir, 1)
    insert.run('https://host.test/plain@name.iso', null, dir, 2)
    insert.run('https://tok3n-only@host.test/c.iso', 'https://cdn.test/c.iso', dir, 3)
    db.close()
    expect(filesHolding(dir, '0ld-Pa55word').length).toBeGreaterThan(0)

    const store = open({ dir })
    const rows = store.transfers.list()
    expect(rows.map((r) => [r.url, r.finalUrl])).toEqual([
      ['https://host.test/a.iso', 'https://host.test/b.iso'],
      ['https://host.test/plain@name.iso', null],
      ['https://host.test/c.iso', 'https://cdn.test/c.iso'],
    ])
    expect(rows.map((r) => store.secrets.get(r.id))).toEqual([
      { username: 'old-user', password: '0ld-Pa55word' },
      undefined,
      { username: 'tok3n-only', password: '' },
    ])
    closeAll()
    expect(filesHolding(dir, '0ld-Pa55word')).toEqual([])
    expect(filesHolding(dir, 'tok3n-only')).toEqual([])
  })
})
