import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { Api, Payload } from '../../../shared/ipc.ts'
import { startServe, type Daemon } from '../../../electron/serve/start-serve.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'

// renderer/ws-api.ts belongs to the web TS project (DOM types), which this Node project may not list; so it is
// loaded by a computed path and typed here by the part of it this test uses.
interface WsModule {
  socketUrlOf(page: { protocol: string; host: string; search: string; hash: string }): string
  createWsApi(opts: { url: string; WebSocket?: unknown; minDelayMs?: number }): Api & {
    onReconnect(listener: () => void): () => void
    close(): void
  }
}
const wsApiPath = ['..', '..', '..', 'renderer', 'ws-api.ts'].join('/')
const { createWsApi, socketUrlOf } = (await import(/* @vite-ignore */ wsApiPath)) as WsModule

let daemon: Daemon

beforeAll(async () => {
  const dir = await makeTempDir('serve-wsapi')
  await mkdir(join(dir, 'root'))
  daemon = await startServe({ port: 0, host: '127.0.0.1', roots: [join(dir, 'root')], stateDir: join(dir, 'state') })
})

afterAll(async () => {
  await daemon.close()
})

describe("the renderer's WebSocket transport", () => {
  it('takes the token from the query or the fragment', () => {
    const page = { protocol: 'http:', host: '127.0.0.1:7878', search: '?token=abc', hash: '' }
    expect(socketUrlOf(page)).toBe('ws://127.0.0.1:7878/ws?token=abc')
    expect(socketUrlOf({ ...page, protocol: 'https:', search: '', hash: '#token=xyz' })).toBe(
      'wss://127.0.0.1:7878/ws?token=xyz',
    )
  })

  it('invokes by id, receives events, and reconnects with a resync after the link drops', async () => {
    const url = `ws://127.0.0.1:${daemon.port}/ws?token=${daemon.token}`
    const api = createWsApi({ url, WebSocket: globalThis.WebSocket, minDelayMs: 20 })
    const seen: Array<Payload<'settings:changed'>> = []
    api.on('settings:changed', (s) => seen.push(s))
    let reconnects = 0
    api.onReconnect(() => reconnects++)

    const [list, settings] = await Promise.all([api.invoke('transfers:list', {}), api.invoke('settings:get', {})])
    expect(list.transfers).toEqual([])
    expect(settings.maxActive).toBe(3)
    await expect(api.invoke('transfers:add', { urls: [] })).rejects.toThrow(/transfers:add: urls/)
    await api.invoke('settings:update', { maxActive: 4 })
    await expect.poll(() => seen.at(-1)?.maxActive).toBe(4)

    daemon.dropClients()
    await expect.poll(() => reconnects).toBe(1)
    expect((await api.invoke('settings:get', {})).maxActive).toBe(4)
    await api.invoke('settings:update', { maxActive: 3 })
    await expect.poll(() => seen.at(-1)?.maxActive).toBe(3)
    api.close()
  })
})
