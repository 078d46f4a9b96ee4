import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startCore, type Core } from '../../../electron/app-core.ts'
import { PROBE_BYTES } from '../../../electron/engine/refresh-url.ts'
import { APP_PAGE_URL } from '../../../electron/shell/app-protocol.ts'
import { partPathOf } from '../../../electron/engine/target-path.ts'
import { openStore } from '../../../electron/store/open-store.ts'
import { BIN, runCli } from '../../fixtures/run-cli.ts'
import { startSignedNginx, type SignedNginx } from '../../fixtures/nginx-signed.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

// A download whose signed link stops working mid-file (the CDN's secret rotates: the running response is cut and
// the next request gets 403) is given a new link with `pinpoint refresh` and finishes from where it was.
const SIZE = 4 * 1024 * 1024
const big = randomBytes(SIZE)
const other = randomBytes(SIZE)
const small = randomBytes(SIZE - 1)
let nginx: SignedNginx

beforeAll(async () => {
  nginx = await startSignedNginx({
    files: { 'big.bin': big, 'other.bin': other, 'small.bin': small },
    limitRate: '512k',
  })
})
afterAll(async () => {
  await nginx?.stop()
})

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const tmp = (kind: string) => mkdtemp(join(tmpdir(), `pinpoint-refresh-${kind}-`))

/** What a refused refresh must leave alone: the row, its history and the bytes of its `.part`. */
async function snapshot(stateDir: string) {
  const store = openStore({ dir: stateDir, readOnly: true })
  try {
    const [row] = store.transfers.list()
    if (!row?.targetPath) throw new Error('no transfer with a target')
    const { updatedAt: _u, ...kept } = row
    return {
      row: kept,
      events: store.events.list(row.id).length,
      durable: store.segments.durableBytes(row.id),
      part: sha(await readFile(partPathOf(row.targetPath))),
    }
  } finally {
    store.close()
  }
}

function durableNow(stateDir: string): number {
  try {
    const store = openStore({ dir: stateDir, readOnly: true })
    try {
      const [row] = store.transfers.list()
      return row ? store.segments.durableBytes(row.id) : 0
    } finally {
      store.close()
    }
  } catch {
    return 0
  }
}

/** Body bytes nginx sent for big.bin (signed or mirrored) in the log entries from `from` on. */
const bigBytesSent = (from = 0) =>
  nginx
    .accessLog()
    .slice(from)
    .filter((e) => e.uri.endsWith('/big.bin'))
    .reduce((n, e) => n + e.body_bytes_sent, 0)

describe('pinpoint refresh', () => {
  it('gives a download whose link expired mid-file a new link, refuses other files, and resume finishes it', async () => {
    const dir = await tmp('dir')
    const stateDir = await tmp('state')
    const env = { ...process.env, PINPOINT_STATE_DIR: stateDir }
    const first = nginx.sign('big.bin')
    const child = spawn(process.execPath, [BIN, 'get', '-s', '1', '--json', '-d', dir, first], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdout.resume()
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    try {
      for (const end = Date.now() + 30_000; durableNow(stateDir) < 1.5 * 1024 * 1024;) {
        if (Date.now() > end) throw new Error(`the download did not get going: ${stderr}`)
        await new Promise((r) => setTimeout(r, 50))
      }
      await nginx.rotate()
      expect(await exited).toBe(3)
    } finally {
      child.kill()
    }
    expect(stderr).toMatch(/403/)
    const failed = await snapshot(stateDir)
    expect(failed.row.state).toBe('failed')
    expect(failed.row.errorCode).toBe('HTTP_STATUS')
    expect(failed.durable).toBeGreaterThanOrEqual(1.5 * 1024 * 1024)
    expect(failed.durable).toBeLessThan(SIZE)
    const id = String(failed.row.id)

    // Another file of the same size: other validators, and its bytes differ from ours.
    const otherFile = await runCli(['refresh', id, nginx.sign('other.bin')], { env })
    expect(otherFile.code).toBe(6)
    expect(otherFile.stderr).toMatch(/other validators and other bytes/)
    expect(await snapshot(stateDir)).toEqual(failed)

    const otherSize = await runCli(['refresh', id, nginx.sign('small.bin')], { env })
    expect(otherSize.code).toBe(6)
    expect(otherSize.stderr).toContain(`serves ${SIZE - 1} bytes, not the ${SIZE}`)
    expect(await snapshot(stateDir)).toEqual(failed)

    // A link that expired already: the server's own answer, and still nothing changes.
    const expired = await runCli(['refresh', id, nginx.sign('big.bin', -60)], { env })
    expect(expired.code).toBe(3)
    expect(expired.stderr).toMatch(/410/)
    expect(await snapshot(stateDir)).toEqual(failed)

    const mark = nginx.accessLog().length
    const fresh = nginx.sign('big.bin')
    const same = await runCli(['refresh', '--json', id, fresh], { env })
    expect(same.code, same.stderr).toBe(0)
    expect(JSON.parse(same.stdout)).toEqual({ id: Number(id), ok: true, matchedBy: 'validator' })
    const refreshed = await snapshot(stateDir)
    expect(refreshed.row).toMatchObject({
      url: fresh,
      finalUrl: null,
      state: 'paused',
      errorCode: null,
      name: failed.row.name,
      targetPath: failed.row.targetPath,
      etag: failed.row.etag,
    })
    expect(refreshed.durable).toBe(failed.durable)
    expect(refreshed.part).toBe(failed.part)

    // Another node with the same bytes under other validators: taken by comparing our bytes, and its ETag kept.
    const mirror = `${nginx.base}/mirror/big.bin`
    const byRanges = await runCli(['refresh', id, mirror], { env })
    expect(byRanges.code, byRanges.stderr).toBe(0)
    expect(byRanges.stdout).toMatch(/same bytes/)
    const mirrored = await snapshot(stateDir)
    expect(mirrored.row.url).toBe(mirror)
    expect(mirrored.row.etag).not.toBe(failed.row.etag)
    expect(mirrored.row.etag).toBe(nginx.accessLog().at(-1)?.sent_http_etag)

    const resumed = await runCli(['resume'], { env })
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(sha(await readFile(join(dir, 'big.bin')))).toBe(sha(big))

    // Only what was missing was fetched again, plus the compared ranges: one of the signed link, two of the mirror.
    expect(bigBytesSent(mark)).toBeLessThanOrEqual(SIZE - failed.durable + 3 * PROBE_BYTES)
    expect(bigBytesSent()).toBeLessThan(SIZE + 1024 * 1024)

    // The history says where the link went: its path and expiry, without the signature in its query.
    const shown = (link: string) =>
      `${nginx.base}/dl/big.bin?md5=…&expires=${new URL(link).searchParams.get('expires')}`
    const store = openStore({ dir: stateDir, readOnly: true })
    try {
      const logged = store.events.list(Number(id)).filter((e) => e.kind === 'refreshed')
      expect(logged.map((e) => e.message)).toEqual([
        expect.stringContaining(`new link ${shown(fresh)} (was ${shown(first)})`),
        expect.stringContaining(`new link ${mirror} (was ${shown(fresh)})`),
      ])
      for (const link of [first, fresh]) {
        const signature = new URL(link).searchParams.get('md5') ?? ''
        expect(signature).not.toBe('')
        for (const e of logged) expect(e.message).not.toContain(signature)
      }
    } finally {
      store.close()
    }
  }, 90_000)

  it('beside a running app goes through its control socket: refusals, a new link, never a running download', async () => {
    const state = await tmp('held')
    let core: Core | undefined
    try {
      core = await startCore({
        stateDir: state,
        defaultDownloadDir: await tmp('held-dl'),
        appUrl: APP_PAGE_URL,
        desktop: { chooseFolder: async () => undefined, reveal: () => {}, open: async () => '' },
        emit: () => {},
      })
      const c = core
      const n = (await c.add([nginx.sign('big.bin')])).added[0]?.id ?? 0
      await waitFor(() => c.store.segments.durableBytes(n) >= 256 * 1024, 20_000)
      c.queue.pause([n])
      await waitFor(() => c.store.transfers.get(n)?.state === 'paused')
      const before = c.store.transfers.get(n)
      const env = { ...process.env, PINPOINT_STATE_DIR: state }

      const otherFile = await runCli(['refresh', String(n), nginx.sign('other.bin')], { env })
      expect(otherFile.code).toBe(6)
      expect(otherFile.stderr).toMatch(/other validators and other bytes/)
      expect(c.store.transfers.get(n)).toEqual(before)

      const mirror = `${nginx.base}/mirror/big.bin`
      const taken = await runCli(['refresh', String(n), mirror], { env })
      expect(taken.code, taken.stderr).toBe(0)
      expect(c.store.transfers.get(n)?.url).toBe(mirror)

      const signed = nginx.sign('big.bin')
      expect((await runCli(['refresh', String(n), signed], { env })).code).toBe(0)
      c.queue.resume([n])
      await waitFor(() => c.store.transfers.get(n)?.state === 'downloading')
      const running = await runCli(['refresh', String(n), mirror], { env })
      expect(running.code).toBe(2)
      expect(running.stderr).toContain('only a paused or failed download')
      expect(c.store.transfers.get(n)?.url).toBe(signed)
    } finally {
      await core?.shutdown()
    }
  }, 90_000)

  it('refuses an unknown download and a bad id as bad input', async () => {
    const stateDir = await tmp('state-bad')
    const env = { ...process.env, PINPOINT_STATE_DIR: stateDir }
    const unknown = await runCli(['refresh', '7', nginx.sign('big.bin')], { env })
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('no transfer 7')
    const bad = await runCli(['refresh', 'x1', nginx.sign('big.bin')], { env })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('expected a download id')
  })
})
