import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { openCore, RANKING_FRESH_MS, type OpenedCore } from '../../../electron/core/open-core.ts'
import { HostRule } from '../../../shared/domain.ts'
import type { NodeMeasure } from '../../../shared/nodes.ts'
import { startNginx, type NginxServer } from '../../fixtures/nginx.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

// The engine orders a host's nodes by their measurement: three nginx nodes of one host, 127.0.0.2 slow, 127.0.0.3
// fast, and 127.0.0.9 where nothing listens. The rule lists them slow first; which node served a download is read
// from the transfer's own connection history.
let pki: Pki
let nginx: NginxServer
let core: OpenedCore | undefined
const dirs: string[] = []

beforeAll(async () => {
  pki = await makePki()
  nginx = await startNginx({
    pki,
    files: { 'small.bin': makePayload(64 * 1024, 1), 'slow.bin': makePayload(3 * 1024 * 1024, 2) },
    nodes: [{ address: '127.0.0.2', limitRate: '512k' }, { address: '127.0.0.3' }],
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
  const stateDir = await makeTempDir('best-node-state')
  dirs.push(stateDir)
  core = await openCore({ stateDir, connectTimeoutMs: 2000 })
  core.store.hostRules.upsert(HostRule.parse({ pattern: 'a.test', addresses, ca: pki.rootPem }))
  return core
}

function rank(c: OpenedCore, addresses: string[], measuredAt = Date.now()): void {
  const nodes: NodeMeasure[] = addresses.map((address, i) => ({
    address,
    source: 'rule',
    bytesPerSecond: 1e9 / (i + 1),
  }))
  c.store.nodeRankings.put(
    {
      url: `https://a.test:${nginx.port}/`,
      host: 'a.test',
      port: nginx.port,
      nodes,
      at: new Date(measuredAt).toISOString(),
    },
    measuredAt,
  )
}

async function download(c: OpenedCore, file: string): Promise<{ id: number; nodes: string[] }> {
  const dir = await makeTempDir('best-node-dl')
  dirs.push(dir)
  const row = c.queue.add({ url: `https://a.test:${nginx.port}/${file}`, dir, split: 1 })
  c.queue.start([row.id])
  await waitFor(() => c.store.transfers.get(row.id)?.state === 'completed', 30_000)
  return { id: row.id, nodes: served(c, row.id) }
}

const served = (c: OpenedCore, id: number) =>
  c.store.connections
    .list(id)
    .filter((x) => x.info.refused === undefined)
    .map((x) => x.info.address)

describe("the measured ranking of a host's nodes", () => {
  it("without a measurement, the rule's order; with a fresh one, the best node first", async () => {
    const c = await open(['127.0.0.2', '127.0.0.3'])
    expect((await download(c, 'small.bin')).nodes).toEqual(['127.0.0.2'])
    rank(c, ['127.0.0.3', '127.0.0.2'])
    expect((await download(c, 'small.bin')).nodes).toEqual(['127.0.0.3'])
  })

  it('a stale measurement orders nothing', async () => {
    const c = await open(['127.0.0.2', '127.0.0.3'])
    rank(c, ['127.0.0.3', '127.0.0.2'], Date.now() - RANKING_FRESH_MS - 60_000)
    expect((await download(c, 'small.bin')).nodes).toEqual(['127.0.0.2'])
  })

  it('the best node failing fails over to the next, and the attempt says why', async () => {
    const c = await open(['127.0.0.2', '127.0.0.9', '127.0.0.3'])
    rank(c, ['127.0.0.9', '127.0.0.3', '127.0.0.2'])
    const { id, nodes } = await download(c, 'small.bin')
    expect(nodes).toEqual(['127.0.0.3'])
    const attempts = c.store.connections.list(id)[0]?.info.attempts ?? []
    expect(attempts[0]).toMatchObject({ address: '127.0.0.9', outcome: 'failed' })
  })

  it('a resumed download goes back to the node it started on, whatever the ranking says since', async () => {
    const c = await open(['127.0.0.2', '127.0.0.3'])
    const dir = await makeTempDir('best-node-dl')
    dirs.push(dir)
    const row = c.queue.add({ url: `https://a.test:${nginx.port}/slow.bin`, dir, split: 1 })
    c.queue.start([row.id])
    await waitFor(() => served(c, row.id).length > 0, 20_000)
    c.queue.pause([row.id])
    await waitFor(() => c.store.transfers.get(row.id)?.state === 'paused', 20_000)
    rank(c, ['127.0.0.3', '127.0.0.2'])
    c.queue.resume([row.id])
    await waitFor(() => c.store.transfers.get(row.id)?.state === 'completed', 60_000)
    expect(new Set(served(c, row.id))).toEqual(new Set(['127.0.0.2']))
  }, 90_000)
})
