import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { EventChannel } from '../../../shared/ipc.ts'
import { startCore, type Core } from '../../../electron/app-core.ts'
import { APP_PAGE_URL } from '../../../electron/shell/app-protocol.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload, sha256 } from '../../fixtures/payload.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

// The desktop app's core as main.ts composes it, under Node: a real store, transport, queue and IPC handlers.
// Only the desktop (dialogs, shell) and the window's event sink are stand-ins: that is the IPC boundary.
let server: FaultServer
const body = makePayload(512 * 1024, 31)
const appUrl = APP_PAGE_URL

beforeAll(async () => {
  server = await startFaultServer()
  server.serve('/a.bin', { body })
})
afterAll(async () => {
  await server.close()
})

async function core(
  stateDir?: string,
): Promise<{ c: Core; events: Array<[EventChannel, unknown]>; downloads: string; stateDir: string }> {
  const events: Array<[EventChannel, unknown]> = []
  const downloads = await mkdtemp(join(tmpdir(), 'pinpoint-app-dl-'))
  const state = stateDir ?? (await mkdtemp(join(tmpdir(), 'pinpoint-app-state-')))
  const c = await startCore({
    stateDir: state,
    defaultDownloadDir: downloads,
    appUrl,
    desktop: { chooseFolder: async () => undefined, reveal: () => {}, open: async () => '' },
    emit: (channel, payload) => events.push([channel, payload]),
  })
  return { c, events, downloads, stateDir: state }
}

describe('the app core', () => {
  it('adds through the IPC dispatcher from the app page, downloads, and pushes transfers:changed', async () => {
    const { c, events, downloads } = await core()
    const added = (await c.ipc.dispatcher.handle('transfers:add', { urls: [server.url('/a.bin')] }, appUrl)) as {
      added: Array<{ id: number }>
    }
    const id = added.added[0]?.id as number
    await waitFor(() => c.store.transfers.get(id)?.state === 'completed')
    expect(sha256(await readFile(join(downloads, 'a.bin')))).toBe(sha256(body))
    await waitFor(() => events.some(([ch, p]) => ch === 'transfers:changed' && JSON.stringify(p).includes('completed')))
    await c.shutdown()
  })

  it('refuses the same call from another page', async () => {
    const { c } = await core()
    await expect(
      c.ipc.dispatcher.handle('transfers:add', { urls: [server.url('/a.bin')] }, 'https://evil.test/'),
    ).rejects.toThrow(/untrusted sender/)
    expect(c.store.transfers.count()).toBe(0)
    await c.shutdown()
  })

  it('adds URLs through the one add path into the download folder, refusing anything that is not http(s)', async () => {
    const { c, downloads } = await core()
    expect((await c.add([server.url('/a.bin'), 'file:///etc/passwd', 'javascript:alert(1)'])).added).toHaveLength(1)
    await waitFor(() => c.transfers().some((t) => t.state === 'completed'))
    expect(c.transfers()[0]?.savedPath).toBe(join(downloads, 'a.bin'))
    await c.shutdown()
  })

  it('applies settings to the running queue and persists them', async () => {
    const { c } = await core()
    await c.ipc.dispatcher.handle('settings:update', { maxActive: 1, limitRate: 64 * 1024 }, appUrl)
    expect(c.ipc.settings.get()).toMatchObject({ maxActive: 1, limitRate: 64 * 1024 })
    server.serve('/slow.bin', { body })
    await c.add([server.url('/slow.bin'), server.url('/slow.bin')])
    await waitFor(() => c.transfers().some((t) => t.state === 'downloading'))
    expect(c.transfers().filter((t) => t.state === 'downloading' || t.state === 'connecting')).toHaveLength(1)
    c.pauseAll()
    await waitFor(() => c.transfers().every((t) => t.state === 'paused'))
    await c.shutdown()
  })

  it('a graceful shutdown leaves a running download queued with its progress, to resume next start', async () => {
    const { c, stateDir } = await core()
    const long = makePayload(2 * 1024 * 1024, 32)
    server.serve('/long.bin', { body: long, faults: { rateBytesPerSec: 512 * 1024 } })
    await c.add([server.url('/long.bin')])
    await waitFor(() => c.store.segments.durableBytes(c.transfers()[0]?.id ?? 0) > 0)
    const id = c.transfers()[0]?.id as number
    await c.shutdown()
    server.setFaults('/long.bin', {})
    const next = await core(stateDir)
    await waitFor(() => next.c.store.transfers.get(id)?.state === 'completed')
    const row = next.c.store.transfers.get(id)
    expect(sha256(await readFile(row?.savedPath as string))).toBe(sha256(long))
    expect(server.log.filter((e) => e.path === '/long.bin').at(-1)?.ifRange).toBeDefined()
    await next.c.shutdown()
  })
})
