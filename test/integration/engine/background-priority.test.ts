import { mkdtemp, readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { DatabaseSync } from 'node:sqlite'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { BackgroundRate } from '../../../electron/engine/background-rate.ts'
import { defaultRate } from '../../../electron/engine/rate-controller.ts'
import { addDownloads } from '../../../electron/queue/add-downloads.ts'
import { startNginx, type NginxServer } from '../../fixtures/nginx.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { runCli } from '../../fixtures/run-cli.ts'
import { waitFor } from '../../fixtures/wait-for.ts'
import { makeIpcHarness } from '../ipc/ipc-harness.ts'

const big = makePayload(2 * 1024 * 1024, 5)
let nginx: NginxServer

beforeAll(async () => {
  nginx = await startNginx({ files: { 'big.bin': big } })
}, 30_000)
afterAll(async () => {
  await nginx?.stop()
})

const tmp = (kind: string) => mkdtemp(join(tmpdir(), `pinpoint-bg-${kind}-`))
const url = () => `http://${nginx.host}:${nginx.port}/big.bin`

/** The stored transfers and their connections, read straight from the state folder's database. */
function stored(stateDir: string) {
  const db = new DatabaseSync(join(stateDir, 'pinpoint.db'), { readOnly: true })
  try {
    const transfers = db.prepare('SELECT id, priority FROM transfers').all()
    const connections = db
      .prepare('SELECT transfer_id, info FROM connections')
      .all()
      .map((r) => ({ transferId: r['transfer_id'], info: JSON.parse(r['info'] as string) }))
    return { transfers, connections }
  } finally {
    db.close()
  }
}

describe('background priority', () => {
  it('pinpoint get --priority background stores the priority and marks its connections CS1', async () => {
    const state = await tmp('state')
    const dir = await tmp('out')
    const before = nginx.accessLog().length
    const r = await runCli(['get', '--priority', 'background', '-s', '4', '-d', dir, url()], {
      env: { PINPOINT_STATE_DIR: state },
    })
    expect(r.code).toBe(0)
    expect(sha256(await readFile(join(dir, 'big.bin')))).toBe(sha256(big))
    const { transfers, connections } = stored(state)
    expect(transfers).toEqual([{ id: 1, priority: 'background' }])
    expect(connections.length).toBeGreaterThan(0)
    // Plain TCP on this runtime (Node 24 has socket.setTypeOfService): the mark is set on the socket.
    for (const c of connections) expect(c.info.trafficClass).toEqual({ dscp: 'CS1', applied: true })
    // One connection at a time despite -s 4, and the file in small paced range requests: the first response is
    // read for one piece and closed, every later piece comes over one kept-alive connection.
    const log = (await nginx.waitForAccessLog(before + 3)).slice(before)
    const text = JSON.stringify(log.slice(0, 5))
    expect(new Set(log.map((e) => e.connection)).size, text).toBe(2)
    expect(log[0]!.http_range, text).toBe('bytes=0-')
    expect(log.length, text).toBeGreaterThan(10)
    for (const e of log.slice(1)) {
      const [from, to] = /^bytes=(\d+)-(\d+)$/.exec(e.http_range)!.slice(1).map(Number)
      expect(to! - from! + 1, text).toBeLessThanOrEqual(1024 * 1024)
    }
  })

  it('a normal download is stored as normal, with no mark on its connections', async () => {
    const state = await tmp('state')
    const dir = await tmp('out')
    const before = nginx.accessLog().length
    const r = await runCli(['get', '-s', '4', '-d', dir, url()], { env: { PINPOINT_STATE_DIR: state } })
    expect(r.code).toBe(0)
    const log = await nginx.waitForAccessLog(before + 2)
    expect(new Set(log.slice(before).map((e) => e.connection)).size).toBeGreaterThan(1)
    const { transfers, connections } = stored(state)
    expect(transfers).toEqual([{ id: 1, priority: 'normal' }])
    for (const c of connections) expect(c.info.trafficClass).toBeUndefined()
  })

  it('an unknown --priority is a usage error naming the flag, and nothing is fetched', async () => {
    const before = nginx.accessLog().length
    const r = await runCli(['get', '--priority', 'low', '-d', await tmp('out'), url()])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--priority "low": expected normal or background')
    expect(nginx.accessLog().length).toBe(before)
  })

  it('over IPC: added with a priority or the settings default, changed for several at once, status reported', async () => {
    const background = new BackgroundRate()
    const h = await makeIpcHarness({ background })
    try {
      const first = await h.api.invoke('transfers:add', {
        urls: [url()],
        options: { priority: 'background', startPaused: true },
      })
      expect(first.added[0]?.priority).toBe('background')
      await h.api.invoke('settings:update', { priority: 'background' })
      expect((await h.api.invoke('settings:get', {})).priority).toBe('background')
      const second = await h.api.invoke('transfers:add', {
        urls: [`${url()}?again`],
        options: { startPaused: true },
      })
      expect(second.added[0]?.priority).toBe('background')
      const ids = [first.added[0]!.id, second.added[0]!.id]
      await h.api.invoke('transfers:setPriority', { ids, priority: 'normal' })
      const list = await h.api.invoke('transfers:list', {})
      expect(list.transfers.map((t) => t.priority)).toEqual(['normal', 'normal'])
      const details = await h.api.invoke('transfers:details', { id: ids[0]! })
      expect(details.events.map((e) => e.message)).toContain('priority set to normal by the user')
      await expect(h.raw('transfers:setPriority', { ids, priority: 'low' })).rejects.toThrow()
      const status = await h.api.invoke('background:status', {})
      expect(status).toMatchObject({
        reason: 'idle',
        active: 0,
        targetMs: defaultRate.thresholdMs,
        floor: defaultRate.floor,
      })
    } finally {
      await h.close()
      background.stop()
    }
  })

  it('adding a URL already in the list with a priority moves it; without one, it keeps its own', async () => {
    const h = await makeIpcHarness()
    try {
      const deps = { store: h.store, queue: h.queue }
      const req = { urls: [`${url()}?same`], dir: h.downloadDir, paused: true }
      const [row] = (await addDownloads(deps, { ...req, priority: 'background' })).added
      expect(row?.priority).toBe('background')
      const again = await addDownloads(deps, req)
      expect(again.existing.map((r) => [r.id, r.priority])).toEqual([[row!.id, 'background']])
      const moved = await addDownloads(deps, { ...req, priority: 'normal' })
      expect(moved.existing.map((r) => [r.id, r.priority])).toEqual([[row!.id, 'normal']])
    } finally {
      await h.close()
    }
  })

  it('a running background download joins the controller, which reports its rate and delays', async () => {
    const background = new BackgroundRate()
    const h = await makeIpcHarness({ background })
    try {
      const seen: string[] = []
      const added = await h.api.invoke('transfers:add', { urls: [`${url()}?run`], options: { priority: 'background' } })
      const id = added.added[0]!.id
      await waitFor(() => {
        const s = background.status()
        if (s.active > 0) seen.push(s.reason)
        return h.store.transfers.get(id)?.state === 'completed'
      }, 30_000)
      expect(seen.length).toBeGreaterThan(0)
      // The first response's time to its first byte is a sample: the controller left `probing`, or was never in it.
      const status = await h.api.invoke('background:status', {})
      expect(status.baseDelayMs).not.toBeNull()
      expect(status.reason).toBe('idle')
    } finally {
      await h.close()
      background.stop()
    }
  })
})

describe('BackgroundRate probes', () => {
  let server: Server
  let accepted = 0
  beforeAll(async () => {
    server = createServer((s) => {
      accepted++
      s.destroy()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  it('probes a host gone quiet with a TCP connect, at most once per interval, and stops when nothing runs', async () => {
    const port = (server.address() as { port: number }).port
    const rate = new BackgroundRate({ tickMs: 20, probeMs: 100 })
    const leave = rate.join(1, null)
    const started = performance.now()
    rate.sample('quiet.test', '127.0.0.1', port, 5)
    await waitFor(() => accepted >= 3)
    const elapsed = performance.now() - started
    // One probe at a time, and none before the host has been quiet for a whole interval.
    expect(accepted).toBeLessThanOrEqual(Math.floor(elapsed / 100) + 1)
    expect(rate.bucket.rate).toBe(rate.status().rate)
    expect(rate.status().baseDelayMs).not.toBeNull()
    leave()
    const after = accepted
    await new Promise((r) => setTimeout(r, 300))
    expect(accepted).toBeLessThanOrEqual(after + 1)
    expect(rate.status().reason).toBe('idle')
  })

  it('never lets the shared rate exceed the global limit or a lone transfer’s own limit', () => {
    let now = 0
    const rate = new BackgroundRate({ ceiling: () => 40_000, now: () => now })
    const leave = rate.join(1, 36_000)
    for (let i = 0; i < 100; i++) {
      now += 100
      rate.sample('h.test', '127.0.0.1', 9, 20)
      rate.tick()
    }
    expect(rate.status().rate).toBe(36_000)
    expect(rate.status().reason).toBe('limited')
    leave()
  })
})
