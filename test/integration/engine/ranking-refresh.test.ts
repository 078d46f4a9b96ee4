import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { openCore, type OpenedCore } from '../../../electron/core/open-core.ts'
import { createRankingKeeper } from '../../../electron/core/ranking-keeper.ts'
import { createTransport } from '../../../electron/transport/transport.ts'
import { HostRule } from '../../../shared/domain.ts'
import type { NodeMeasure } from '../../../shared/nodes.ts'
import { startNginx, type NginxServer } from '../../fixtures/nginx.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

// A host's ranking that has gone stale is measured again when a transfer to the host starts: two nginx nodes,
// 127.0.0.2 slowed by limit_rate and 127.0.0.3 not, and a stale ranking that has them the wrong way round.
const MAX_AGE = 60_000
let pki: Pki
let nginx: NginxServer
let core: OpenedCore | undefined
const dirs: string[] = []

beforeAll(async () => {
  pki = await makePki()
  nginx = await startNginx({
    pki,
    files: { 'small.bin': makePayload(64 * 1024, 3), 'big.bin': makePayload(1024 * 1024, 4) },
    nodes: [{ address: '127.0.0.2', limitRate: '256k' }, { address: '127.0.0.3' }],
  })
}, 30_000)
afterAll(async () => {
  await nginx?.stop()
})
afterEach(async () => {
  await core?.shutdown()
  core = undefined
  for (const d of dirs.splice(0)) await removeTempDir(d)
})

async function open(addresses: string[]): Promise<OpenedCore> {
  const stateDir = await makeTempDir('refresh-state')
  dirs.push(stateDir)
  core = await openCore({ stateDir, connectTimeoutMs: 2000, rankingMaxAgeMs: MAX_AGE })
  core.store.hostRules.upsert(HostRule.parse({ pattern: 'a.test', addresses, ca: pki.rootPem }))
  return core
}

function rank(c: OpenedCore, addresses: string[], measuredAt: number): void {
  const nodes: NodeMeasure[] = addresses.map((address, i) => ({
    address,
    source: 'rule',
    bytesPerSecond: 1e6 / (i + 1),
  }))
  const report = { url: `https://a.test:${nginx.port}/`, host: 'a.test', port: nginx.port, nodes, at: '' }
  c.store.nodeRankings.put({ ...report, at: new Date(measuredAt).toISOString() }, measuredAt)
}

function keeperOf(c: OpenedCore) {
  return createRankingKeeper({
    rankings: c.store.nodeRankings,
    transport: createTransport({ rules: () => c.store.hostRules.list(), connectTimeoutMs: 2000 }),
    maxAgeMs: MAX_AGE,
  })
}

async function download(c: OpenedCore, file: string): Promise<number> {
  const dir = await makeTempDir('refresh-dl')
  dirs.push(dir)
  const row = c.queue.add({ url: `https://a.test:${nginx.port}/${file}`, dir, split: 1 })
  c.queue.start([row.id])
  await waitFor(() => ['completed', 'failed'].includes(c.store.transfers.get(row.id)?.state ?? ''), 30_000)
  return row.id
}

describe('a stale node ranking', () => {
  it('is measured again when a transfer to its host starts, and the new order is stored', async () => {
    const c = await open(['127.0.0.2', '127.0.0.3'])
    const old = Date.now() - 2 * MAX_AGE
    rank(c, ['127.0.0.2', '127.0.0.3'], old)
    const id = await download(c, 'big.bin')
    expect(c.store.transfers.get(id)?.state).toBe('completed')
    await waitFor(() => (c.store.nodeRankings.get('a.test', nginx.port)?.measuredAt ?? 0) > old, 30_000)
    const fresh = c.store.nodeRankings.get('a.test', nginx.port)
    expect(fresh?.report.nodes.map((n) => n.address)).toEqual(['127.0.0.3', '127.0.0.2'])
    expect(fresh?.report.nodes.every((n) => n.error === undefined)).toBe(true)
    // The next transfer starts on the node the new measurement found best.
    const next = await download(c, 'small.bin')
    expect(c.store.connections.list(next).map((x) => x.info.address)).toEqual(['127.0.0.3'])
  }, 60_000)

  it('a fresh one is left alone', async () => {
    const c = await open(['127.0.0.2', '127.0.0.3'])
    const at = Date.now() - MAX_AGE / 2
    rank(c, ['127.0.0.2', '127.0.0.3'], at)
    const keeper = keeperOf(c)
    const url = new URL(`https://a.test:${nginx.port}/small.bin`)
    keeper.transferStarts(url, undefined)
    await keeper.idle()
    expect(c.store.nodeRankings.get('a.test', nginx.port)?.measuredAt).toBe(at)
    // The same keeper, once the ranking is older than its max age, measures it.
    rank(c, ['127.0.0.2', '127.0.0.3'], at - MAX_AGE)
    keeper.transferStarts(url, undefined)
    await keeper.idle()
    expect(c.store.nodeRankings.get('a.test', nginx.port)?.measuredAt).toBeGreaterThan(at)
    await keeper.close()
  }, 60_000)

  it('a measurement in which no node answers keeps the old ranking', async () => {
    const c = await open(['127.0.0.9'])
    const old = Date.now() - 2 * MAX_AGE
    rank(c, ['127.0.0.3', '127.0.0.2'], old)
    const keeper = keeperOf(c)
    expect(await keeper.remeasure(new URL(`https://a.test:${nginx.port}/small.bin`), undefined)).toBe(false)
    await keeper.close()
    const kept = c.store.nodeRankings.get('a.test', nginx.port)
    expect(kept?.measuredAt).toBe(old)
    expect(kept?.report.nodes.map((n) => n.address)).toEqual(['127.0.0.3', '127.0.0.2'])
  })
})
