import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

import { afterEach, expect, it } from 'vitest'

import { openStore } from '../../../electron/store/open-store.ts'
import { LOCK_FILE } from '../../../electron/store/state-lock.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

const OPEN_STORE = pathToFileURL(resolve(import.meta.dirname, '../../../electron/store/open-store.ts')).href

/**
 * Commits progress (its turn ends, which commits it), then opens a transaction it never finishes, and blocks
 * inside it. `kill -9` lands with one commit made and one in flight: the first must survive and the second
 * must vanish.
 */
const CHILD = `
import { writeSync } from 'node:fs'
import { openStore } from ${JSON.stringify(OPEN_STORE)}

const store = openStore({ dir: process.argv[2] })
const { id } = store.transfers.insert({ url: 'https://example.com/big.iso', dir: '/d', targetPath: '/d/big.iso' })
store.segments.replace(id, [{ start: 0, end: 1000, done: 0 }, { start: 1000, end: 2000, done: 0 }])
store.segments.commitProgress(id, [{ start: 0, done: 700 }, { start: 1000, done: 250 }])
store.transfers.update(id, { state: 'downloading', total: 2000 })
await new Promise((turnEnds) => setImmediate(turnEnds))
store.transaction(() => {
  store.segments.commitProgress(id, [{ start: 0, done: 1000 }])
  writeSync(1, 'ready\\n')
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)
})
`

let dir: string | undefined
afterEach(async () => {
  if (dir) await removeTempDir(dir)
})

it("keeps a SIGKILLed writer's commits, drops its open transaction, and takes over its lock", async () => {
  dir = await makeTempDir('store-kill')
  const script = join(dir, 'child.mjs')
  writeFileSync(script, CHILD)
  const stateDir = join(dir, 'state')
  const child = spawn(process.execPath, [script, stateDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
  const exited = new Promise((done) => child.once('exit', done))
  await new Promise<void>((ready, fail) => {
    child.stdout.on('data', (b: Buffer) => b.toString().includes('ready') && ready())
    child.once('exit', (code) => fail(new Error(`child exited (${code}) before ready:\n${stderr}`)))
  })

  expect(JSON.parse(readFileSync(join(stateDir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: child.pid })
  child.kill('SIGKILL')
  await exited

  const store = openStore({ dir: stateDir })
  try {
    const [row] = store.transfers.list()
    expect(row).toMatchObject({ state: 'downloading', total: 2000, targetPath: '/d/big.iso' })
    expect(store.segments.list(row?.id ?? -1).map((s) => s.done)).toEqual([700, 250])
    expect(store.segments.durableBytes(row?.id ?? -1)).toBe(950)
    expect(JSON.parse(readFileSync(join(stateDir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid })
  } finally {
    store.close()
  }
  expect(existsSync(join(stateDir, LOCK_FILE))).toBe(false)
})
