import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startCore, type Core } from '../../../electron/app-core.ts'
import type { ProxyLookup } from '../../../electron/transport/proxy-setting.ts'
import { APP_PAGE_URL } from '../../../electron/shell/app-protocol.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { startSquid, type Squid } from '../../fixtures/squid.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

// The add dialog's check of each URL, through the app core as main.ts composes it: the "system" proxy the core
// was given (Chromium's answer in the app) must carry the preview as it carries the download. The origin is
// named `previewonly.test`, a name only squid's hosts file knows, so nothing but squid can reach it.
let origin: FaultServer
let squid: Squid
const body = makePayload(64 * 1024, 9)

beforeAll(async () => {
  origin = await startFaultServer()
  origin.serve('/p/file.bin', { body })
  squid = await startSquid({ user: 'carol', password: 'pv-secret', hosts: { 'previewonly.test': '127.0.0.1' } })
}, 60_000)
afterAll(async () => {
  await Promise.all([origin?.close(), squid?.stop()])
})

async function core(systemProxy: ProxyLookup): Promise<Core> {
  return startCore({
    stateDir: await mkdtemp(join(tmpdir(), 'pinpoint-preview-proxy-')),
    defaultDownloadDir: await mkdtemp(join(tmpdir(), 'pinpoint-preview-dl-')),
    appUrl: APP_PAGE_URL,
    desktop: { chooseFolder: async () => undefined, reveal: () => {}, open: async () => '' },
    emit: () => {},
    systemProxy,
  })
}

type Learned = Array<{ size: number | null; status: number | null; error: { code: string } | null }>

describe('the add dialog preview and the system proxy', () => {
  it('checks a URL only squid can reach through the system proxy the core was given, and squid logs it', async () => {
    const c = await core(() => ({ url: squid.url, user: 'carol', password: 'pv-secret' }))
    try {
      const url = `http://previewonly.test:${origin.port}/p/file.bin`
      const learned = (await c.ipc.dispatcher.handle('transfers:preview', { urls: [url] }, APP_PAGE_URL)) as Learned
      expect(learned[0]).toMatchObject({ status: 200, size: body.length, error: null })
      // squid writes its log line when the transaction ends, which may be just after the answer arrived.
      await waitFor(() => squid.accessLog().includes(`previewonly.test:${origin.port}/p/file.bin`))
    } finally {
      await c.shutdown()
    }
  })
})
