import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, readlink, symlink, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { BIN, runCli } from '../../fixtures/run-cli.ts'

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
})
