import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { HostRule } from '../../../shared/domain.ts'
import { parseProfile } from '../../../shared/profile.ts'
import { startNginx, type NginxServer } from '../../fixtures/nginx.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { waitFor } from '../../fixtures/wait-for.ts'
import { makeIpcHarness, type IpcHarness } from './ipc-harness.ts'

// The app's (and serve's) add path: `transfers:add` with nodesSpread keeps it in the download's profile, and the
// download's connections go to several nginx nodes of the host, each held to its own limit_rate.
const FILE = makePayload(4 * 1024 * 1024, 31)
let pki: Pki
let nginx: NginxServer
let h: IpcHarness | undefined

beforeAll(async () => {
  pki = await makePki()
  nginx = await startNginx({
    pki,
    files: { 'big.bin': FILE },
    nodes: [
      { address: '127.0.0.2', limitRate: '512k' },
      { address: '127.0.0.3', limitRate: '512k' },
    ],
  })
}, 60_000)
afterAll(async () => {
  await nginx?.stop()
})
afterEach(async () => {
  await h?.close()
  h = undefined
})

describe('transfers:add with nodesSpread', () => {
  it("keeps it in the download's profile and spreads the connections over the host's nodes", async () => {
    const harness = await makeIpcHarness()
    h = harness
    await harness.api.invoke('hosts:upsert', {
      rule: HostRule.parse({ pattern: 'a.test', addresses: ['127.0.0.2', '127.0.0.3'], ca: pki.rootPem }),
    })
    const { added, rejected } = await harness.api.invoke('transfers:add', {
      urls: [`https://a.test:${nginx.port}/big.bin`],
      options: { split: 4, nodesSpread: 2 },
    })
    expect(rejected).toEqual([])
    const id = added[0]?.id ?? 0
    expect(parseProfile(harness.store.transfers.get(id)?.connection ?? null)?.nodesSpread).toBe(2)
    await waitFor(() => harness.store.transfers.get(id)?.state === 'completed', 60_000)
    const details = await harness.api.invoke('transfers:details', { id })
    expect(new Set(details.connections.map((c) => c.address))).toEqual(new Set(['127.0.0.2', '127.0.0.3']))
    expect(sha256(await readFile(join(harness.downloadDir, 'big.bin')))).toBe(sha256(FILE))
  }, 90_000)

  it('a count outside 2-16 is refused by the schema', async () => {
    h = await makeIpcHarness()
    await expect(
      h.raw('transfers:add', { urls: [`https://a.test:${nginx.port}/big.bin`], options: { nodesSpread: 1 } }),
    ).rejects.toThrow()
  })
})
