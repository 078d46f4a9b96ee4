import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, readlink, symlink, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { BIN, runCli } from '../../fixtures/run-cli.ts'
import type { TransferState } from '../../../shared/domain.ts'
import { openStore } from '../../../electron/store/open-store.ts'

let server: FaultServer
const body = makePayload(4 * 1024 * 1024, 21)

beforeAll(async () => {
  server = await startFaultServer()
})
afterAll(async () => {
  await server.close()
})

const tmp = (kind: string) => mkdtemp(join(tmpdir(), `pinpoint-${kind}-`))

/** Start a download that runs until killed; resolves once its `.part` exists. */
async function slowGet(state: string, dir: string, path: string) {
  server.serve(path, { body, faults: { rateBytesPerSec: 64 * 1024 } })
  const child = spawn(process.execPath, [BIN, 'get', '--state-dir', state, '-d', dir, server.url(path)])
  const deadline = Date.now() + 15_000
  while (!(await readdir(dir)).some((n) => n.endsWith('.part'))) {
    if (Date.now() > deadline) throw new Error('no .part appeared')
    await new Promise((r) => setTimeout(r, 20))
  }
  return child
}

describe('.part files no download owns (test-matrix D4)', () => {
  it('ls lists them and never its own; --remove-orphans deletes only old regular files, under the lock', async () => {
    const state = await tmp('orphan-state')
    const dir = await tmp('orphan-dir')
    const child = await slowGet(state, dir, '/own.bin')
    try {
      const outside = join(await tmp('orphan-outside'), 'precious.txt')
      await writeFile(outside, 'not ours')
      await writeFile(join(dir, 'stray.iso.part'), Buffer.alloc(3000, 1))
      const hourAgo = new Date(Date.now() - 3_600_000)
      await utimes(join(dir, 'stray.iso.part'), hourAgo, hourAgo)
      await writeFile(join(dir, 'fresh.part'), 'being written by someone else')
      await symlink(outside, join(dir, 'link.part'))
      await mkdir(join(dir, 'folder.part'))

      // While a download runs on this state folder, removing is refused: it needs the folder's lock.
      const locked = await runCli(['ls', '--remove-orphans', '--state-dir', state])
      expect(locked.code).toBe(7)
      expect(locked.stderr).toContain(`pid ${child.pid}`)

      const listed = await runCli(['ls', '--state-dir', state])
      expect(listed.code).toBe(0)
      expect(listed.stdout).toContain(join(dir, 'stray.iso.part'))
      expect(listed.stdout).toContain(join(dir, 'fresh.part'))
      for (const name of ['own.bin.part', 'link.part', 'folder.part']) expect(listed.stdout).not.toContain(name)
    } finally {
      child.kill('SIGKILL')
      await new Promise((r) => child.once('exit', r))
    }

    const removed = await runCli(['ls', '--remove-orphans', '--state-dir', state])
    expect(removed.code).toBe(0)
    expect(removed.stdout).toContain(`removed ${join(dir, 'stray.iso.part')}`)
    expect(removed.stdout).toMatch(/kept .*fresh\.part: written to in the last minute/)
    expect((await readdir(dir)).sort()).toEqual(['folder.part', 'fresh.part', 'link.part', 'own.bin.part'])

    const json = await runCli(['ls', '--json', '--state-dir', state])
    const lines = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines).toContainEqual(expect.objectContaining({ orphanPart: join(dir, 'fresh.part'), status: 'kept' }))
    expect(lines).toContainEqual(expect.objectContaining({ url: server.url('/own.bin') }))
    expect(await readFile(await readlink(join(dir, 'link.part')), 'utf8')).toBe('not ours')
  })

  it("a finished download the server named movie.mkv.part is the user's file, never an orphan", async () => {
    const state = await tmp('orphan-state')
    const dir = await tmp('orphan-dir')
    server.serve('/movie', { body, contentDisposition: 'attachment; filename="movie.mkv.part"' })
    const got = await runCli(['get', '--state-dir', state, '-d', dir, server.url('/movie')])
    expect(got.code).toBe(0)
    // A final name never ends in `.part`, so the finished file cannot pass for an unfinished download.
    const saved = 'movie.mkv.part.download'
    expect(await readdir(dir)).toEqual([saved])
    // Kept for an hour: older than the minute in which ls leaves a file alone as maybe still being written.
    const hourAgo = new Date(Date.now() - 3_600_000)
    await utimes(join(dir, saved), hourAgo, hourAgo)

    const removed = await runCli(['ls', '--remove-orphans', '--state-dir', state])
    expect(removed.code).toBe(0)
    expect(await readdir(dir)).toEqual([saved])
    expect((await readFile(join(dir, saved))).equals(body)).toBe(true)
  })

  it('never the target or saved path of a download in any state, even one whose name ends in .part', async () => {
    const state = await tmp('orphan-state')
    const dir = await tmp('orphan-dir')
    // Rows as an older version left them, when a server's name could still end in `.part`.
    const store = openStore({ dir: state })
    const row = (name: string, state: TransferState, savedPath?: string) => {
      const { id } = store.transfers.insert({ url: server.url(`/${name}`), dir, name, targetPath: join(dir, name) })
      store.transfers.update(id, { state, savedPath: savedPath ? join(dir, savedPath) : null })
    }
    row('done.part', 'completed', 'done (1).part') // finished under a numbered name: done.part was taken
    row('paused.part', 'paused')
    row('failed.part', 'failed')
    row('finalizing.part', 'finalizing', 'finalizing.part')
    store.close()
    const files = [
      'done (1).part',
      'done.part',
      'failed.part',
      'finalizing.part',
      'finalizing.part.part',
      'paused.part.part',
      'stray.part',
    ]
    const hourAgo = new Date(Date.now() - 3_600_000)
    for (const f of files) {
      await writeFile(join(dir, f), f)
      await utimes(join(dir, f), hourAgo, hourAgo)
    }

    const listed = await runCli(['ls', '--state-dir', state])
    expect(listed.stdout).toContain(join(dir, 'stray.part'))
    expect(listed.stdout.match(/^ {2}\/.*$/gm)).toEqual([`  ${join(dir, 'stray.part')} (10 B)`])

    const removed = await runCli(['ls', '--remove-orphans', '--state-dir', state])
    expect(removed.code).toBe(0)
    expect(removed.stdout).toContain(`removed ${join(dir, 'stray.part')}`)
    expect((await readdir(dir)).sort()).toEqual(files.filter((f) => f !== 'stray.part'))
  })
})
