import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { openCore, type OpenedCore } from '../../../electron/core/open-core.ts'
import { HostRule } from '../../../shared/domain.ts'
import { startNginx, type NginxServer } from '../../fixtures/nginx.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

// Two nodes of one host, each an nginx process of its own on the same port (127.0.0.2 and 127.0.0.3), both slowed
// by limit_rate so a segmented download is still running when the first node is killed by its pid.
const FILE = makePayload(8 * 1024 * 1024, 11)
let pki: Pki
let first: NginxServer | undefined
let second: NginxServer | undefined
let core: OpenedCore | undefined
const dirs: string[] = []

beforeEach(async () => {
  pki ??= await makePki()
  first = await startNginx({ pki, files: { 'big.bin': FILE }, node: { address: '127.0.0.2', limitRate: '256k' } })
  second = await startNginx({
    pki,
    files: { 'big.bin': FILE },
    node: { address: '127.0.0.3', port: first.port, limitRate: '1m' },
  })
}, 30_000)
afterEach(async () => {
  await core?.shutdown()
  core = undefined
  await first?.stop()
  await second?.stop()
  for (const d of dirs.splice(0)) await removeTempDir(d)
})

const served = (c: OpenedCore, id: number) =>
  c.store.connections
    .list(id)
    .filter((x) => x.info.refused === undefined)
    .map((x) => x.info)

describe('a node dying mid-transfer', () => {
  it('the segments it served go on from the next node, and the file is byte for byte the same', async () => {
    const stateDir = await makeTempDir('failover-state')
    const dir = await makeTempDir('failover-dl')
    dirs.push(stateDir, dir)
    const port = (first as NginxServer).port
    core = await openCore({ stateDir, connectTimeoutMs: 2000 })
    const c = core
    c.store.hostRules.upsert(
      HostRule.parse({ pattern: 'a.test', addresses: ['127.0.0.2', '127.0.0.3'], ca: pki.rootPem }),
    )
    const row = c.queue.add({ url: `https://a.test:${port}/big.bin`, dir, split: 4 })
    c.queue.start([row.id])
    // Three segments or more run on the first node, with most of the file still to come: now it dies.
    await waitFor(() => served(c, row.id).length >= 3, 20_000)
    expect(new Set(served(c, row.id).map((i) => i.address))).toEqual(new Set(['127.0.0.2']))
    process.kill((first as NginxServer).pid(), 'SIGTERM')

    await waitFor(() => ['completed', 'failed'].includes(c.store.transfers.get(row.id)?.state ?? ''), 60_000)
    const done = c.store.transfers.get(row.id)
    expect(done?.errorMessage ?? null).toBeNull()
    expect(done?.state).toBe('completed')
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
    expect(sha(await readFile(done?.savedPath as string))).toBe(sha(FILE))

    // The history shows the way over: later connections went to the second node, after the first was tried.
    const later = served(c, row.id).filter((i) => i.address === '127.0.0.3')
    expect(later.length).toBeGreaterThan(0)
    expect(later.some((i) => i.attempts.some((a) => a.address === '127.0.0.2' && a.outcome === 'failed'))).toBe(true)
    const failovers = c.store.events.list(row.id).filter((e) => e.kind === 'failover')
    expect(failovers.length).toBeGreaterThan(0)
    expect(failovers[0]?.message).toMatch(/127\.0\.0\.2.*127\.0\.0\.3/)
  }, 90_000)
})
