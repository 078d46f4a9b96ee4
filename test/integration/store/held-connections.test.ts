import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { pathToFileURL } from 'node:url'

import { describe, expect, it } from 'vitest'

import { ran, statementsDuring } from '../../fixtures/statement-count.ts'
import { DB_FILE, type Store } from '../../../electron/store/open-store.ts'
import type { ConnectionInfo } from '../../../shared/connection.ts'
import { tempStores } from '../../fixtures/temp-stores.ts'

const stores = tempStores('held-connections')
const open = async (): Promise<Store> => (await stores.fresh()).store

const info = (n: number, extra: Partial<ConnectionInfo> = {}): ConnectionInfo => ({
  url: 'https://a.test/x',
  host: 'a.test',
  address: `127.0.0.${n}`,
  port: 443,
  servername: 'a.test',
  hostHeader: 'a.test',
  protocol: 'TLSv1.3',
  cipher: 'TLS_AES_256_GCM_SHA384',
  alpn: 'http/1.1',
  chain: [],
  verified: true,
  trust: 'ca',
  connectMs: 1,
  handshakeMs: 2,
  attempts: [],
  at: `2030-01-01T00:00:00.${String(n).padStart(3, '0')}Z`,
  ...extra,
})

const turnEnds = () => new Promise((done) => setImmediate(done))
const INSERT = 'INSERT INTO connections'
const FIRST_BYTE = "json_set(info, '$.firstByteMs'"

/** What another process sees of a transfer's history: the committed rows, oldest first. */
function committed(store: Store, transferId: number): ConnectionInfo[] {
  const db = new DatabaseSync(join(store.dir, DB_FILE), { readOnly: true })
  try {
    const rows = db.prepare('SELECT info FROM connections WHERE transfer_id = ? ORDER BY id').all(transferId)
    return rows.map((r) => JSON.parse(r['info'] as string) as ConnectionInfo)
  } finally {
    db.close()
  }
}

describe('a connection whose first byte comes before the commit', () => {
  it('is written once, with its time to the first byte, in the commit of the turn it was made in', async () => {
    const store = await open()
    const id = store.transfers.insert({ url: 'https://a.test/x', dir: '/d' }).id
    store.flush()
    const { counts } = await statementsDuring(() => {
      const firstByte = store.connections.addTimed(id, info(1))
      firstByte(3.5)
      store.flush()
    })
    expect(ran(counts, INSERT)).toBe(1)
    expect(ran(counts, FIRST_BYTE)).toBe(0)
    expect(committed(store, id)).toEqual([{ ...info(1), firstByteMs: 3.5 }])
    expect(store.connections.list(id).map((c) => c.info)).toEqual([{ ...info(1), firstByteMs: 3.5 }])
  })

  it('is committed when its turn ends even without a first byte, which is added when it comes', async () => {
    const store = await open()
    const id = store.transfers.insert({ url: 'https://a.test/x', dir: '/d' }).id
    const firstByte = store.connections.addTimed(id, info(1))
    // This process sees it at once; another one once the turn has committed.
    expect(store.connections.list(id).map((c) => c.info)).toEqual([info(1)])
    await turnEnds()
    await turnEnds()
    expect(committed(store, id)).toEqual([info(1)])
    firstByte(7)
    store.flush()
    expect(committed(store, id)).toEqual([{ ...info(1), firstByteMs: 7 }])
  })

  it('keeps the order the connections were made in, refused ones among them', async () => {
    const store = await open()
    const id = store.transfers.insert({ url: 'https://a.test/x', dir: '/d' }).id
    store.connections.addTimed(id, info(1))
    const refused = info(2, { refused: { code: 'PIN_MISMATCH', message: 'no pin' } })
    store.connections.add(id, refused)
    store.connections.addTimed(id, info(3, { reused: true }))(1)
    store.flush()
    expect(committed(store, id)).toEqual([info(1), refused, { ...info(3, { reused: true }), firstByteMs: 1 }])
  })

  it('goes with its transfer when that is removed first, and never passes to a new one given the same id', async () => {
    const store = await open()
    const id = store.transfers.insert({ url: 'https://a.test/x', dir: '/d' }).id
    const firstByte = store.connections.addTimed(id, info(1))
    store.transfers.remove(id)
    const again = store.transfers.insert({ url: 'https://a.test/y', dir: '/d' }).id
    expect(again).toBe(id)
    firstByte(2)
    store.flush()
    expect(store.connections.list(again)).toEqual([])
    expect(committed(store, again)).toEqual([])
  })
})

describe('a held connection and a transaction that rolls back', () => {
  it('written early by the transaction, is held again: committed after all, with its first byte', async () => {
    const store = await open()
    const id = store.transfers.insert({ url: 'https://a.test/x', dir: '/d' }).id
    const firstByte = store.connections.addTimed(id, info(1))
    const refused = info(2, { refused: { code: 'PIN_MISMATCH', message: 'no pin' } })
    expect(() =>
      store.transaction(() => {
        // Writes the held connection first, to keep the order, inside this transaction's savepoint.
        store.connections.add(id, refused)
        throw new Error('changed my mind')
      }),
    ).toThrow('changed my mind')
    firstByte(4)
    store.flush()
    expect(committed(store, id)).toEqual([{ ...info(1), firstByteMs: 4 }])
  })

  it('made inside the transaction, goes with it, and its first byte never lands on a row that took its id', async () => {
    const store = await open()
    const id = store.transfers.insert({ url: 'https://a.test/x', dir: '/d' }).id
    let firstByte: ((ms: number) => void) | undefined
    expect(() =>
      store.transaction(() => {
        firstByte = store.connections.addTimed(id, info(1))
        throw new Error('no')
      }),
    ).toThrow('no')
    store.connections.add(id, info(2))
    firstByte?.(9)
    store.flush()
    expect(committed(store, id)).toEqual([info(2)])
  })
})

const OPEN_STORE = pathToFileURL(resolve(import.meta.dirname, '../../../electron/store/open-store.ts')).href

/** Records a connection, lets its turn end (which commits), then blocks until `kill -9`: its first byte never came. */
const CHILD = `
import { writeSync } from 'node:fs'
import { openStore } from ${JSON.stringify(OPEN_STORE)}

const store = openStore({ dir: process.argv[2] })
const { id } = store.transfers.insert({ url: 'https://a.test/x', dir: '/d' })
store.connections.addTimed(id, JSON.parse(process.argv[3]))
await new Promise((turnEnds) => setImmediate(turnEnds))
await new Promise((turnEnds) => setImmediate(turnEnds))
writeSync(1, 'ready\\n')
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)
`

it('a writer killed after the turn of a connection, before its first byte, leaves that connection in the history', async () => {
  const dir = await stores.dir()
  const script = join(dir, 'child.mjs')
  writeFileSync(script, CHILD)
  const stateDir = join(dir, 'state')
  const child = spawn(process.execPath, [script, stateDir, JSON.stringify(info(4))], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
  const exited = new Promise((done) => child.once('exit', done))
  await new Promise<void>((ready, fail) => {
    child.stdout.on('data', (b: Buffer) => b.toString().includes('ready') && ready())
    child.once('exit', (code) => fail(new Error(`child exited (${code}) before ready:\n${stderr}`)))
  })
  child.kill('SIGKILL')
  await exited
  const store = stores.open({ dir: stateDir })
  const [row] = store.transfers.list()
  expect(store.connections.list(row?.id ?? -1).map((c) => c.info)).toEqual([info(4)])
})
