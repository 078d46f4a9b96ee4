import { link, mkdir, readdir, readFile, realpath, rename, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { confineAtUse } from '../../../electron/serve/roots.ts'
import { startServe, type Daemon } from '../../../electron/serve/start-serve.ts'
import { openStore } from '../../../electron/store/open-store.ts'
import type { Output } from '../../../shared/ipc.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'
import { connect, type Client } from './serve-client.ts'

// Confinement that holds when a file is used, not only when a download is added: real folders, real symlinks
// swapped in for them, a real daemon and a loopback server slow enough to swap mid-download.
let dir: string
let server: FaultServer
const body = makePayload(400 * 1024, 23)

beforeAll(async () => {
  dir = await realpath(await makeTempDir('serve-confine'))
  server = await startFaultServer()
})

afterAll(async () => {
  await server.close()
})

const outsideMessage = (folder: string) => `the folder ${folder} is outside every --root folder of this server`

describe('confineAtUse, the check serve hands the engine and the queue', () => {
  it('takes a real folder inside a root and refuses a symlink, even to inside a root, and a folder outside', async () => {
    const root = join(dir, 'unit-root')
    await mkdir(join(root, 'real'), { recursive: true })
    await symlink(join(root, 'real'), join(root, 'alias'))
    const confine = confineAtUse([root])
    await expect(confine(join(root, 'real'))).resolves.toBeUndefined()
    await expect(confine(root)).resolves.toBeUndefined()
    await expect(confine(join(root, 'alias'))).rejects.toMatchObject({
      code: 'OUTSIDE_ROOTS',
      message: `the folder ${join(root, 'alias')} is now a symbolic link; refusing to follow it`,
    })
    await expect(confine(dir)).rejects.toMatchObject({ code: 'OUTSIDE_ROOTS', message: outsideMessage(dir) })
    await expect(confine(join(root, 'real', '..', '..'))).rejects.toMatchObject({ code: 'OUTSIDE_ROOTS' })
  })
})

describe('pinpoint serve: a folder swapped for a symlink after the add', () => {
  let root: string
  let outside: string
  let daemon: Daemon
  let client: Client

  beforeAll(async () => {
    root = join(dir, 'swap-root')
    outside = join(dir, 'swap-outside')
    await mkdir(root)
    await Promise.all([mkdir(join(root, 'mid')), mkdir(join(root, 'early')), mkdir(outside)])
    daemon = await startServe({ port: 0, host: '127.0.0.1', roots: [root], stateDir: join(dir, 'swap-state') })
    client = await connect(daemon.port, daemon.token)
  })

  afterAll(async () => {
    client.ws.close()
    await daemon.close()
  })

  async function add(sub: string, path: string, startPaused = false): Promise<number> {
    const named = (await client.call('folders:name', { root: 0, sub })) as { token: string }
    const { added } = (await client.call('transfers:add', {
      urls: [server.url(path)],
      folder: named.token,
      options: { startPaused, split: 1 },
    })) as Output<'transfers:add'>
    return added[0]!.id
  }

  /** Move the real folder aside (still inside the root) and put a symlink leading out in its place. */
  async function swap(sub: string): Promise<void> {
    await rename(join(root, sub), join(root, `${sub}-moved`))
    await symlink(outside, join(root, sub))
  }

  it('swapped while the download runs: the file is not finished through the link, the row says OUTSIDE_ROOTS', async () => {
    server.serve('/mid.bin', { body, faults: { rateBytesPerSec: 64 * 1024 } })
    const id = await add('mid', '/mid.bin')
    await expect
      .poll(() => server.log.find((e) => e.path === '/mid.bin')?.bytesSent ?? 0, { timeout: 15_000 })
      .toBeGreaterThan(0)
    expect(daemon.core.store.transfers.get(id)?.state).toBe('downloading')
    await swap('mid')
    server.setFaults('/mid.bin', {})
    await expect.poll(() => daemon.core.store.transfers.get(id)?.state, { timeout: 15_000 }).toBe('failed')
    const row = daemon.core.store.transfers.get(id)!
    expect(row.errorCode).toBe('OUTSIDE_ROOTS')
    expect(row.errorMessage).toContain(join(root, 'mid'))
    expect(await readdir(outside)).toEqual([])
    // The bytes stay where they were written, inside the root, still a `.part`.
    expect(await readdir(join(root, 'mid-moved'))).toEqual(['mid.bin.part'])
  })

  it('swapped before the download starts: nothing is created at the far end, the row says OUTSIDE_ROOTS', async () => {
    server.serve('/early.bin', { body })
    const id = await add('early', '/early.bin', true)
    await swap('early')
    await client.call('transfers:resume', { ids: [id] })
    await expect.poll(() => daemon.core.store.transfers.get(id)?.state, { timeout: 15_000 }).toBe('failed')
    const row = daemon.core.store.transfers.get(id)!
    expect(row).toMatchObject({
      errorCode: 'OUTSIDE_ROOTS',
      errorMessage: expect.stringContaining(join(root, 'early')),
    })
    expect(await readdir(outside)).toEqual([])
    // Refused before any request: the server never heard of it.
    expect(server.log.filter((e) => e.path === '/early.bin')).toEqual([])
  })
})

describe('pinpoint serve: transfers already in the state folder, in a folder outside the roots', () => {
  let root: string
  let outside: string
  let stateDir: string
  let daemon: Daemon
  let client: Client
  const ids = { queued: 0, completed: 0, paused: 0, finalizing: 0, linked: 0 }

  beforeAll(async () => {
    root = join(dir, 'state-root')
    outside = join(dir, 'state-outside')
    stateDir = join(dir, 'shared-state')
    await Promise.all([mkdir(root), mkdir(outside)])
    server.serve('/pre.bin', { body })
    // What an earlier run with other roots, the desktop app or the CLI left in the same state folder.
    const store = openStore({ dir: stateDir })
    const url = server.url('/pre.bin')
    ids.queued = store.transfers.insert({ url, dir: outside }).id
    ids.completed = store.transfers.insert({ url, dir: outside, targetPath: join(outside, 'done.bin') }).id
    store.transfers.update(ids.completed, {
      state: 'completed',
      savedPath: join(outside, 'done.bin'),
      completedAt: Date.now(),
    })
    await writeFile(join(outside, 'done.bin'), 'finished earlier')
    ids.paused = store.transfers.insert({
      url,
      dir: outside,
      targetPath: join(outside, 'half.bin'),
      state: 'paused',
    }).id
    await writeFile(join(outside, 'half.bin.part'), 'half of it')
    ids.finalizing = store.transfers.insert({ url, dir: outside, targetPath: join(outside, 'fin.bin') }).id
    store.transfers.update(ids.finalizing, { state: 'finalizing', savedPath: join(outside, 'fin.bin') })
    await writeFile(join(outside, 'fin.bin.part'), 'all of it')
    // Interrupted between the link and the unlink of its `.part`: the file is already under its name.
    ids.linked = store.transfers.insert({ url, dir: outside, targetPath: join(outside, 'linked.bin') }).id
    store.transfers.update(ids.linked, { state: 'finalizing', savedPath: join(outside, 'linked.bin') })
    await writeFile(join(outside, 'linked.bin.part'), 'linked')
    await link(join(outside, 'linked.bin.part'), join(outside, 'linked.bin'))
    store.close()

    daemon = await startServe({ port: 0, host: '127.0.0.1', roots: [root], stateDir })
    client = await connect(daemon.port, daemon.token)
  })

  afterAll(async () => {
    client.ws.close()
    await daemon.close()
  })

  const row = (id: number) => daemon.core.store.transfers.get(id)
  const files = () => readdir(outside).then((names) => names.sort())
  const untouched = ['done.bin', 'fin.bin.part', 'half.bin.part', 'linked.bin', 'linked.bin.part']

  /** Each ends failed with OUTSIDE_ROOTS naming the folder; the server was never asked; nothing outside changed. */
  async function expectRefused(...list: number[]): Promise<void> {
    for (const id of list) {
      await expect.poll(() => row(id)?.state, { timeout: 15_000 }).toBe('failed')
      expect(row(id)).toMatchObject({ errorCode: 'OUTSIDE_ROOTS', errorMessage: outsideMessage(outside) })
    }
    expect(server.log.filter((e) => e.path === '/pre.bin')).toEqual([])
    expect(await files()).toEqual(untouched)
  }

  it('does not resume or finish them at start-up: they end failed with OUTSIDE_ROOTS naming the folder', async () => {
    await expectRefused(ids.queued, ids.finalizing)
    expect(await readFile(join(outside, 'fin.bin.part'), 'utf8')).toBe('all of it')
    expect(row(ids.finalizing)?.savedPath).toBeNull()
    // Already under its name: complete, with nothing touched (its `.part` name stays, a second name of the file).
    expect(row(ids.linked)).toMatchObject({ state: 'completed', savedPath: join(outside, 'linked.bin') })
  })

  it('does not resume them when asked either', async () => {
    await client.call('transfers:resume', { ids: [ids.queued, ids.paused] })
    await expectRefused(ids.queued, ids.paused)
    expect(await readFile(join(outside, 'half.bin.part'), 'utf8')).toBe('half of it')
  })

  it('cancel stops one for good but leaves its .part outside the roots alone', async () => {
    await client.call('transfers:cancel', { ids: [ids.finalizing] })
    expect(row(ids.finalizing)?.state).toBe('canceled')
    expect(await files()).toEqual(untouched)
  })

  it('"remove with file" refuses: the file and the row stay, and the reason names the folder', async () => {
    await expect(client.call('transfers:remove', { ids: [ids.completed], deleteFile: true })).rejects.toThrow(
      outsideMessage(outside),
    )
    expect(row(ids.completed)?.state).toBe('completed')
    expect(await readFile(join(outside, 'done.bin'), 'utf8')).toBe('finished earlier')
  })

  it('a plain remove drops the row and leaves the files outside the roots alone', async () => {
    await client.call('transfers:remove', { ids: [ids.paused, ids.completed], deleteFile: false })
    expect(row(ids.paused)).toBeUndefined()
    expect(row(ids.completed)).toBeUndefined()
    expect(await files()).toEqual(untouched)
  })
})
