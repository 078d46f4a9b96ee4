import { execFile, spawn } from 'node:child_process'
import { appendFile, mkdir, mkdtemp, readdir, readFile, readlink, symlink, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { BIN, onTerminal, runCli } from '../../fixtures/run-cli.ts'
import { waitFor } from '../../fixtures/wait-for.ts'
import type { TransferState } from '../../../shared/domain.ts'
import { openStore } from '../../../electron/store/open-store.ts'

const run = promisify(execFile)
let server: FaultServer
const body = makePayload(4 * 1024 * 1024, 21)

beforeAll(async () => {
  server = await startFaultServer()
})
afterAll(async () => {
  await server.close()
})

const tmp = (kind: string) => mkdtemp(join(tmpdir(), `pinpoint-${kind}-`))

/** An hour ago: older than the minute in which ls leaves a `.part` alone as maybe still being written. */
const hourAgo = () => new Date(Date.now() - 3_600_000)

async function writeOld(path: string, data: string | Buffer): Promise<void> {
  await writeFile(path, data)
  await utimes(path, hourAgo(), hourAgo())
}

/** A state folder with a queued download into each of `dirs`, so that ls looks for orphans there. */
async function stateFor(...dirs: string[]): Promise<string> {
  const state = await tmp('orphan-state')
  const store = openStore({ dir: state })
  for (const dir of dirs) store.transfers.insert({ url: server.url('/queued.bin'), dir })
  store.close()
  return state
}

function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}

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

describe('.part files no download owns', () => {
  it('ls lists them and never its own; --remove-orphans deletes only old regular files, under the lock', async () => {
    const state = await tmp('orphan-state')
    const dir = await tmp('orphan-dir')
    const child = await slowGet(state, dir, '/own.bin')
    try {
      const outside = join(await tmp('orphan-outside'), 'precious.txt')
      await writeFile(outside, 'not ours')
      await writeOld(join(dir, 'stray.iso.part'), Buffer.alloc(3000, 1))
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

    // Without a terminal to ask on and without --yes, it only lists what it would delete.
    const unconfirmed = await runCli(['ls', '--remove-orphans', '--state-dir', state])
    expect(unconfirmed.code).toBe(2)
    expect(unconfirmed.stdout).toContain(`  ${join(dir, 'stray.iso.part')} (2.93 KiB)`)
    expect(unconfirmed.stderr).toContain('nothing deleted: stdin is not a terminal to ask on; pass --yes')
    expect((await readdir(dir)).sort()).toEqual([
      'folder.part',
      'fresh.part',
      'link.part',
      'own.bin.part',
      'stray.iso.part',
    ])

    const removed = await runCli(['ls', '--remove-orphans', '--yes', '--state-dir', state])
    expect(removed.code).toBe(0)
    expect(removed.stdout).toContain(`removed ${join(dir, 'stray.iso.part')}`)
    expect(removed.stdout).toMatch(/kept .*fresh\.part: written to in the last minute/)
    expect((await readdir(dir)).sort()).toEqual(['folder.part', 'fresh.part', 'link.part', 'own.bin.part'])

    const json = await runCli(['ls', '--json', '--state-dir', state])
    const lines = jsonLines(json.stdout)
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
    await utimes(join(dir, saved), hourAgo(), hourAgo())

    const removed = await runCli(['ls', '--remove-orphans', '--yes', '--state-dir', state])
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
    for (const f of files) await writeOld(join(dir, f), f)

    const listed = await runCli(['ls', '--state-dir', state])
    expect(listed.stdout).toContain(join(dir, 'stray.part'))
    expect(listed.stdout.match(/^ {2}\/.*$/gm)).toEqual([`  ${join(dir, 'stray.part')} (10 B)`])

    const removed = await runCli(['ls', '--remove-orphans', '--yes', '--state-dir', state])
    expect(removed.code).toBe(0)
    expect(removed.stdout).toContain(`removed ${join(dir, 'stray.part')}`)
    expect((await readdir(dir)).sort()).toEqual(files.filter((f) => f !== 'stray.part'))
  })

  it('without a terminal and without --yes it lists them, deletes nothing and exits 2', async () => {
    const dir = await tmp('orphan-dir')
    const state = await stateFor(dir)
    for (const f of ['a.part', 'b.part']) await writeOld(join(dir, f), f)

    const unconfirmed = await runCli(['ls', '--remove-orphans', '--state-dir', state])
    expect(unconfirmed.code).toBe(2)
    expect(unconfirmed.stdout).toContain(`  ${join(dir, 'a.part')} (6 B)\n  ${join(dir, 'b.part')} (6 B)\n`)
    expect(unconfirmed.stderr).toBe(
      'pinpoint: nothing deleted: stdin is not a terminal to ask on; pass --yes to delete these 2 files\n',
    )
    expect((await readdir(dir)).sort()).toEqual(['a.part', 'b.part'])

    const misplaced = await runCli(['ls', '--yes', '--state-dir', state])
    expect(misplaced.code).toBe(2)
    expect(misplaced.stderr).toContain('--yes is for --remove-orphans')

    await runCli(['ls', '--remove-orphans', '--yes', '--state-dir', state])
    const nothingLeft = await runCli(['ls', '--remove-orphans', '--state-dir', state])
    expect(nothingLeft.code).toBe(0)
    expect(nothingLeft.stderr).toBe('')
  })

  it('at a terminal it shows the list, then asks: only y deletes', async () => {
    const dir = await tmp('orphan-dir')
    const state = await stateFor(dir)
    for (const f of ['a.part', 'b.part']) await writeOld(join(dir, f), f)

    // Enter alone, n and Ctrl-D (end of input) all mean no.
    for (const input of ['\n', 'n\n', '\u0004']) {
      const declined = await runCli(['ls', '--remove-orphans', '--state-dir', state], { tty: true, input })
      expect(declined.code).toBe(0)
      // The list comes first, then the question (readline adds cursor moves to it on a terminal).
      const listed = declined.stdout.indexOf(`  ${join(dir, 'b.part')} (6 B)\r\n`)
      expect(listed).toBeGreaterThan(0)
      expect(declined.stdout.indexOf('delete these 2 files? [y/N] ')).toBeGreaterThan(listed)
      expect(declined.stdout).toContain('nothing deleted')
      expect((await readdir(dir)).sort()).toEqual(['a.part', 'b.part'])
    }

    const accepted = await runCli(['ls', '--remove-orphans', '--state-dir', state], { tty: true, input: 'y\n' })
    expect(accepted.code).toBe(0)
    expect(accepted.stdout).toContain('delete these 2 files? [y/N] ')
    expect(accepted.stdout).toContain(`removed ${join(dir, 'a.part')} (6 B)`)
    expect(accepted.stdout).toContain(`removed ${join(dir, 'b.part')} (6 B)`)
    expect(await readdir(dir)).toEqual([])
  })

  it('a delete that fails is named on stderr with its reason and exits 7; the others are still deleted', async (ctx) => {
    const mnt = await tmp('orphan-ro')
    try {
      await run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt])
    } catch (err) {
      return ctx.skip(`cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]}); run as root`)
    }
    try {
      const dir = await tmp('orphan-dir')
      const state = await stateFor(mnt, dir)
      await writeOld(join(mnt, 'stuck.part'), 'on a read-only filesystem')
      await writeOld(join(dir, 'gone.part'), 'deletable')
      // Read-only even for root, who deletes from a folder without write permission regardless.
      await run('mount', ['-o', 'remount,ro', mnt])

      const text = await runCli(['ls', '--remove-orphans', '--yes', '--state-dir', state])
      expect(text.code).toBe(7)
      expect(text.stderr).toBe(`pinpoint: could not delete ${join(mnt, 'stuck.part')}: EROFS\n`)
      expect(text.stdout).toContain(`removed ${join(dir, 'gone.part')}`)
      expect(text.stdout).not.toContain(`removed ${join(mnt, 'stuck.part')}`)
      expect(await readdir(dir)).toEqual([])
      expect(await readdir(mnt)).toEqual(['stuck.part'])

      const json = await runCli(['ls', '--remove-orphans', '--yes', '--json', '--state-dir', state])
      expect(json.code).toBe(7)
      expect(json.stderr).toContain(`could not delete ${join(mnt, 'stuck.part')}: EROFS`)
      expect(jsonLines(json.stdout)).toContainEqual({
        orphanPart: join(mnt, 'stuck.part'),
        size: 25,
        status: 'failed',
        error: { code: 'FILE_ERROR', message: `${join(mnt, 'stuck.part')}: EROFS` },
      })
    } finally {
      await run('umount', [mnt]).catch(() => {})
    }
  })

  it('deletes nothing that changed while the question was open', async () => {
    const dir = await tmp('orphan-dir')
    const state = await stateFor(dir)
    await writeOld(join(dir, 'late.part'), 'listed')
    const [file, ...argv] = onTerminal([process.execPath, BIN, 'ls', '--remove-orphans', '--state-dir', state])
    const child = spawn(file as string, argv, { env: { ...process.env, PINPOINT_STATE_DIR: state } })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    const exited = new Promise((r) => child.once('exit', r))
    await waitFor(() => out.includes('delete this file? [y/N] '))
    await appendFile(join(dir, 'late.part'), ', then written to again')
    child.stdin.end('y\n')

    expect(await exited).toBe(0)
    expect(out).toContain(`kept ${join(dir, 'late.part')}: it changed or went away after it was listed`)
    expect(await readdir(dir)).toEqual(['late.part'])
  })
})
