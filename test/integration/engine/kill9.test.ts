import { spawn } from 'node:child_process'
import { open, readdir, readFile } from 'node:fs/promises'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { BIN, runCli } from '../../fixtures/run-cli.ts'

// The kill -9 resume test: a real `pinpoint get` in a child process, killed with
// SIGKILL once 1 %, 50 % and 99 % of the bytes are durable, and while finalizing; then the same command runs
// again, and the result must be byte-identical and alone in its folder.
const SIZE = 16 * 1024 * 1024
let server: FaultServer

beforeAll(async () => {
  server = await startFaultServer()
})
afterAll(async () => {
  await server.close()
})

interface Durable {
  state: string
  segments: Array<{ start: number; end: number; done: number }>
}

/** Read the child's progress the way a second process would: read-only, no lock. */
function readDurable(stateDir: string): Durable | undefined {
  let db: DatabaseSync | undefined
  try {
    db = new DatabaseSync(join(stateDir, 'pinpoint.db'), { readOnly: true })
    const t = db.prepare('SELECT id, state FROM transfers ORDER BY id LIMIT 1').get() as
      { id: number; state: string } | undefined
    if (!t) return undefined
    const segments = db
      .prepare('SELECT start, "end", done FROM segments WHERE transfer_id = ? ORDER BY start')
      .all(t.id) as Durable['segments']
    return { state: t.state, segments }
  } catch {
    return undefined
  } finally {
    db?.close()
  }
}

async function killAt(
  args: string[],
  stateDir: string,
  until: (d: Durable) => boolean,
  env: Record<string, string> = {},
): Promise<Durable> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: 'ignore' })
  const exited = new Promise((r) => child.once('exit', r))
  const deadline = Date.now() + 30_000
  try {
    for (;;) {
      const d = readDurable(stateDir)
      if (d && until(d)) {
        child.kill('SIGKILL')
        await exited
        return readDurable(stateDir) as Durable
      }
      if (child.exitCode !== null) throw new Error(`child exited (${child.exitCode}) before the kill point`)
      if (Date.now() > deadline) throw new Error('kill point not reached')
      await new Promise((r) => setTimeout(r, 5))
    }
  } finally {
    child.kill('SIGKILL')
  }
}

const durableSum = (d: Durable) => d.segments.reduce((n, s) => n + s.done, 0)

/** Power loss: bytes past each segment's durable offset never reached the disk. */
async function loseUnsyncedTail(part: string, d: Durable): Promise<void> {
  const fd = await open(part, 'r+')
  try {
    for (const s of d.segments) {
      const from = s.start + s.done
      if (from < s.end) await fd.write(Buffer.alloc(Math.min(s.end - from, 1 << 20), 0xee), 0, undefined, from)
    }
  } finally {
    await fd.close()
  }
}

describe('kill -9, then the same command again', () => {
  it.each([
    [1, 0.01],
    [2, 0.5],
    [3, 0.99],
  ])('seed %i: killed at %f of the bytes durable, tail lost, resumes to identical bytes', async (seed, fraction) => {
    const body = makePayload(SIZE, seed)
    const path = `/k${seed}.bin`
    // 99 %: every range response stalls just short of its end, so the kill lands with nearly all bytes durable.
    const faults = fraction > 0.9 ? { stallAfterBytes: Math.floor(0.995 * (SIZE / 4)) } : { rateBytesPerSec: 1 << 20 }
    server.serve(path, { body, faults })
    const stateDir = await mkdtemp(join(tmpdir(), 'pinpoint-k9-state-'))
    const dir = await mkdtemp(join(tmpdir(), 'pinpoint-k9-dl-'))
    const args = ['get', '-s', '4', '--state-dir', stateDir, '-d', dir, server.url(path)]

    const at = await killAt(args, stateDir, (d) => d.state === 'downloading' && durableSum(d) >= fraction * SIZE)
    expect(at.state).toBe('downloading')
    expect(durableSum(at)).toBeGreaterThanOrEqual(fraction * SIZE)
    await loseUnsyncedTail(join(dir, `k${seed}.bin.part`), at)

    server.reset()
    server.setFaults(path, {})
    const again = await runCli(args)
    expect(again.stderr).toContain('saved')
    expect(again.code).toBe(0)
    expect(await readdir(dir)).toEqual([`k${seed}.bin`])
    expect(sha256(await readFile(join(dir, `k${seed}.bin`)))).toBe(sha256(body))
    // The second run resumed every unfinished segment exactly at its durable offset, always under If-Range
    // (a connection that ran out of work may also steal the tail of another, mid-segment).
    const etag = server.log[0]?.ifRange
    expect(etag).toMatch(/^"/)
    expect(server.log.every((e) => e.ifRange === etag)).toBe(true)
    const starts = server.log.map((e) => Number(/bytes=(\d+)-/.exec(e.rangeHeader ?? '')?.[1]))
    for (const seg of at.segments) {
      if (seg.start + seg.done < seg.end) expect(starts).toContain(seg.start + seg.done)
    }
    for (const from of starts) {
      const seg = at.segments.find((x) => from >= x.start && from < x.end)
      expect(from, 'never re-fetches bytes the store says are durable').toBeGreaterThanOrEqual(
        (seg?.start ?? 0) + (seg?.done ?? 0),
      )
    }
    const ls = await runCli(['ls', '--json', '--state-dir', stateDir])
    expect(JSON.parse(ls.stdout)).toMatchObject({ state: 'completed', done: SIZE })
  })

  it('killed while finalizing: the next run finishes without a duplicate', async () => {
    const body = makePayload(2 * 1024 * 1024, 9)
    server.serve('/fin.bin', { body })
    const stateDir = await mkdtemp(join(tmpdir(), 'pinpoint-k9-state-'))
    const dir = await mkdtemp(join(tmpdir(), 'pinpoint-k9-dl-'))
    const args = ['get', '--state-dir', stateDir, '-d', dir, server.url('/fin.bin')]
    const at = await killAt(args, stateDir, (d) => d.state === 'finalizing', { PINPOINT_TEST_HOLD_FINALIZE: '60000' })
    expect(at.state).toBe('finalizing')
    expect(await readdir(dir)).toEqual(['fin.bin.part'])
    server.reset()
    const again = await runCli(args)
    expect(again.code).toBe(0)
    expect(await readdir(dir)).toEqual(['fin.bin'])
    expect(sha256(await readFile(join(dir, 'fin.bin')))).toBe(sha256(body))
    expect(server.log).toHaveLength(0)
  })
})
