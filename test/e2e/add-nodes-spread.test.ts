import { readFile } from 'node:fs/promises'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { HostRule } from '../../shared/domain.ts'
import { parseProfile } from '../../shared/profile.ts'
import { startNginx, type NginxServer } from '../fixtures/nginx.ts'
import { makePayload, sha256 } from '../fixtures/payload.ts'
import { makePki, type Pki } from '../fixtures/pki.ts'
import { closeApp, openApp, transports, type App } from './harness/open-app.ts'
import { byId, expectRowState, openAddDialog, setField, transferIdFor } from './harness/ui.ts'

// The add dialog's "Spread over the best nodes": the download keeps it in its profile and its connections go to
// each of the host's nginx nodes (127.0.0.2, 127.0.0.3, 127.0.0.4), each held to its own limit_rate.
const FILE = makePayload(4 * 1024 * 1024, 41)
let pki: Pki
let nginx: NginxServer
let app: App | undefined

beforeAll(async () => {
  pki = await makePki()
  nginx = await startNginx({
    pki,
    files: { 'big.bin': FILE },
    nodes: ['127.0.0.2', '127.0.0.3', '127.0.0.4'].map((address) => ({ address, limitRate: '512k' })),
  })
}, 60_000)
afterAll(async () => {
  await nginx?.stop()
})
afterEach(async () => {
  const closing = app
  app = undefined
  await closeApp(closing)
})

describe.each(transports)('the add dialog spreading a download over nodes (%s)', (transport) => {
  it("keeps the choice with the download, whose connections go to each of the host's nodes", async () => {
    app = await openApp({
      transport,
      seed: (core) => {
        core.store.hostRules.upsert(
          HostRule.parse({ pattern: 'a.test', addresses: ['127.0.0.2', '127.0.0.3', '127.0.0.4'], ca: pki.rootPem }),
        )
      },
    })
    const { page, core } = app
    const url = `https://a.test:${nginx.port}/big.bin`
    await openAddDialog(page, url)
    await setField(byId(page, 'add-split'), '6')
    await setField(byId(page, 'add-nodes-spread'), true)
    await app.screenshot('add-nodes-spread')
    await byId(page, 'add-submit').click()
    const id = await transferIdFor(core, url)
    expect(parseProfile(core.store.transfers.get(id)?.connection ?? null)?.nodesSpread).toBe(3)
    await expectRowState(page, id, 'completed', 60_000)
    const used = new Set(core.store.connections.list(id).map((c) => c.info.address))
    expect(used).toEqual(new Set(['127.0.0.2', '127.0.0.3', '127.0.0.4']))
    const saved = core.store.transfers.get(id)?.savedPath as string
    expect(sha256(await readFile(saved))).toBe(sha256(FILE))
  }, 90_000)
})
