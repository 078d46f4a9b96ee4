import { execFile, spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { promisify } from 'node:util'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { makeHarness } from '../../fixtures/engine-harness.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { waitFor } from '../../fixtures/wait-for.ts'
import { BIN, runCli } from '../../fixtures/run-cli.ts'

// A file larger than the free space, a disk that fills mid-download and an fdatasync that fails: on a real small
// filesystem (tmpfs, needs root) and with libfiu's fault injection.
const run = promisify(execFile)
let server: FaultServer
let mnt: string | undefined
let why = ''

beforeAll(async () => {
  server = await startFaultServer()
  const dir = await mkdtemp(join(tmpdir(), 'pinpoint-tmpfs-'))
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir])
    mnt = dir
  } catch (err) {
    why = `cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]}); run as root`
  }
})
afterAll(async () => {
  await server.close()
  if (mnt) await run('umount', [mnt]).catch(() => {})
})

describe('a full disk', () => {
  it('A16 a file larger than the free space is refused up front, before any byte is written', async (ctx) => {
    if (!mnt) return ctx.skip(why)
    const dir = join(mnt, 'a16')
    await mkdir(dir)
    server.serve('/big', { body: makePayload(6 * 1024 * 1024, 4) })
    const h = await makeHarness({ dir })
    const row = await h.download(server.url('/big'))
    await h.close()
    expect(row).toMatchObject({ state: 'paused', errorCode: 'DISK_FULL' })
    expect(row.errorMessage).toMatch(/bytes needed/)
    expect(await h.files()).toEqual([])
  })

  it('D5 ENOSPC mid-download pauses with DISK_FULL, keeps durable bytes, no retry storm, resumes once space is back', async (ctx) => {
    if (!mnt) return ctx.skip(why)
    const dir = join(mnt, 'd5')
    await mkdir(dir)
    const body = makePayload(2 * 1024 * 1024, 5)
    server.serve('/fill', { body, faults: { rateBytesPerSec: 1024 * 1024 } })
    const h = await makeHarness({ dir, diskRecheckMs: 100 })
    const row = h.queue.add({ url: server.url('/fill'), dir, split: 1 })
    h.queue.start([row.id])
    await waitFor(() => h.store.segments.durableBytes(row.id) > 256 * 1024)
    // Another program fills the disk.
    const filler = join(mnt, 'filler')
    await writeFile(filler, Buffer.alloc(4 * 1024 * 1024)).catch(() => {})
    await waitFor(() => h.store.transfers.get(row.id)?.errorCode === 'DISK_FULL')
    const paused = h.store.transfers.get(row.id)
    expect(paused?.state).toBe('paused')
    const durable = h.store.segments.durableBytes(row.id)
    expect(durable).toBeGreaterThan(256 * 1024)
    const requests = server.log.length
    await new Promise((r) => setTimeout(r, 400))
    expect(server.log.length).toBe(requests)

    server.setFaults('/fill', {})
    await rm(filler)
    const [done] = await h.queue.settled([row.id])
    await waitFor(() => h.store.transfers.get(row.id)?.state === 'completed')
    const final = h.store.transfers.get(row.id)
    await h.close()
    expect(done?.id).toBe(row.id)
    expect(sha256(await readFile(final?.savedPath as string))).toBe(sha256(body))
    expect(Number(/bytes=(\d+)-/.exec(server.log.at(-1)?.rangeHeader ?? '')?.[1])).toBeGreaterThanOrEqual(durable)
  })
})

describe('fsync failures (libfiu)', () => {
  it('D6 a failed fdatasync commits nothing more: progress stays at the last good sync, exit 7', async (ctx) => {
    const fiu = await run('fiu-run', ['-x', 'true']).then(
      () => true,
      () => false,
    )
    if (!fiu) return ctx.skip('fiu-run (Debian fiu-utils) is not installed')
    // Throttled, so the checkpointer's fdatasync runs while the download is under way.
    const body = makePayload(4 * 1024 * 1024, 6)
    server.serve('/sync', { body, faults: { rateBytesPerSec: 1024 * 1024 } })
    server.reset()
    const state = await mkdtemp(join(tmpdir(), 'pinpoint-fiu-state-'))
    const dir = await mkdtemp(join(tmpdir(), 'pinpoint-fiu-dl-'))
    const ctl = join(state, 'fiu')
    const child = spawn('fiu-run', [
      '-x',
      '-f',
      ctl,
      process.execPath,
      BIN,
      'get',
      '--state-dir',
      state,
      '-d',
      dir,
      server.url('/sync'),
    ])
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const exited = new Promise<number | null>((r) => child.once('exit', r))
    // Faults go on only once the store is open (SQLite syncs its own files while it sets up).
    await waitFor(() => server.log.some((e) => e.path === '/sync'))
    const before = committed(state)
    await run('fiu-ctrl', ['-f', ctl, '-c', 'enable name=posix/io/sync/fdatasync,failinfo=5', String(child.pid)])
    expect(await exited).toBe(7)
    expect(stderr).toMatch(/sync\.part: EIO/)
    const after = await durable(state)
    expect(after.state).toBe('failed')
    expect(after.error?.code).toBe('FILE_ERROR')
    // No commit after the failed sync (the window between reading `before` and enabling the fault is a few ms of
    // a 500 ms checkpoint interval).
    expect(after.done).toBe(before)
    expect(after.done).toBeLessThan(body.length)
  })
})

async function durable(state: string) {
  const ls = await runCli(['ls', '--json', '--state-dir', state])
  return JSON.parse(ls.stdout.trim().split('\n')[0] ?? '{}') as {
    state: string
    done: number
    error?: { code: string }
  }
}

/** The committed bytes, read straight from the database (a quick read-only look, as a second process would). */
function committed(state: string): number {
  const db = new DatabaseSync(join(state, 'pinpoint.db'), { readOnly: true })
  try {
    const row = db.prepare('SELECT COALESCE(SUM(done), 0) AS n FROM segments').get() as { n: number }
    return row.n
  } finally {
    db.close()
  }
}
