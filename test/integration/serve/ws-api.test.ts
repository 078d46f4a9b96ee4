import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'

import { createServer, type Socket } from 'node:net'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'

import type { Api, Payload } from '../../../shared/ipc.ts'
import { startServe, type Daemon } from '../../../electron/serve/start-serve.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'

// renderer/ws-api.ts belongs to the web TS project (DOM types), which this Node project may not list; so it is
// loaded by a computed path and typed here by the part of it this test uses.
interface WsModule {
  socketUrlOf(page: { protocol: string; host: string; search: string; hash: string }): string
  addressWithoutToken(page: { pathname: string; search: string; hash: string }): string | null
  createWsApi(opts: {
    url: string
    WebSocket?: unknown
    minDelayMs?: number
    maxDelayMs?: number
    pingEveryMs?: number
    silenceMs?: number
    connectTimeoutMs?: number
    probeToken?: () => Promise<'accepted' | 'rejected' | 'unreachable'>
  }): Api & {
    onReconnect(listener: () => void): () => void
    state(): string
    onState(listener: (state: string) => void): () => void
    close(): void
  }
  OFFLINE_MESSAGE: string
  LOST_MESSAGE: string
}
const wsApiPath = ['..', '..', '..', 'renderer', 'ws-api.ts'].join('/')
const { addressWithoutToken, createWsApi, socketUrlOf, OFFLINE_MESSAGE, LOST_MESSAGE } = (await import(
  /* @vite-ignore */ wsApiPath
)) as WsModule

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

  it('takes the token out of the address, keeping the rest', () => {
    expect(addressWithoutToken({ pathname: '/', search: '?token=abc', hash: '' })).toBe('/')
    expect(addressWithoutToken({ pathname: '/', search: '?a=1&token=abc', hash: '#x' })).toBe('/?a=1#x')
    expect(addressWithoutToken({ pathname: '/', search: '', hash: '#token=abc' })).toBe('/')
    expect(addressWithoutToken({ pathname: '/', search: '?a=1', hash: '' })).toBeNull()
  })

  it('a live daemon answers the heartbeat, so a quiet link stays online', async () => {
    const url = `ws://127.0.0.1:${daemon.port}/ws?token=${daemon.token}`
    const api = createWsApi({ url, WebSocket: globalThis.WebSocket, pingEveryMs: 40, silenceMs: 150 })
    const states: string[] = []
    api.onState((s) => states.push(s))
    await api.invoke('settings:get', {})
    await new Promise((r) => setTimeout(r, 1000))
    expect(states).toEqual(['online'])
    api.close()
  })

  it('a daemon that goes silent without closing is offline within the silence limit: requests fail, never hang', async () => {
    // A server that accepts the socket, then answers nothing at all: a stopped process, a cut network.
    const silent = new WebSocketServer({ port: 0, host: '127.0.0.1' })
    await new Promise((r) => silent.once('listening', r))
    let answering = false
    silent.on('connection', (ws) => {
      ws.on('message', (data) => {
        if (!answering) return
        const msg = JSON.parse(String(data)) as { id?: number; ping?: number }
        if (msg.ping !== undefined) ws.send(JSON.stringify({ pong: msg.ping }))
        else ws.send(JSON.stringify({ id: msg.id, ok: true, result: { seq: 0, transfers: [] } }))
      })
    })
    const port = (silent.address() as { port: number }).port
    const api = createWsApi({
      url: `ws://127.0.0.1:${port}/ws`,
      WebSocket: globalThis.WebSocket,
      minDelayMs: 50,
      maxDelayMs: 100,
      pingEveryMs: 50,
      silenceMs: 300,
    })
    let reconnects = 0
    api.onReconnect(() => reconnects++)
    await expect.poll(() => api.state()).toBe('online')
    const started = Date.now()
    const inFlight = api.invoke('transfers:list', {})
    await expect(inFlight).rejects.toThrow(LOST_MESSAGE)
    expect(api.state()).toBe('offline')
    expect(Date.now() - started).toBeLessThan(1000)
    // While offline a request fails at once, saying nothing was sent.
    const asked = Date.now()
    await expect(api.invoke('settings:get', {})).rejects.toThrow(OFFLINE_MESSAGE)
    expect(Date.now() - asked).toBeLessThan(50)

    // It answers again: the page is back by itself and told to resynchronise.
    answering = true
    await expect.poll(() => api.state(), { timeout: 5000 }).toBe('online')
    await expect.poll(() => reconnects).toBeGreaterThanOrEqual(1)
    expect((await api.invoke('transfers:list', {})).transfers).toEqual([])
    api.close()
    await new Promise((r) => silent.close(r))
  })

  it('a server that takes the connection and never answers fails the first requests instead of holding them', async () => {
    const held: Socket[] = []
    const mute = createServer((socket) => void held.push(socket))
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', () => r()))
    const port = (mute.address() as { port: number }).port
    const api = createWsApi({
      url: `ws://127.0.0.1:${port}/ws`,
      WebSocket: globalThis.WebSocket,
      connectTimeoutMs: 200,
      minDelayMs: 5000,
    })
    expect(api.state()).toBe('connecting')
    // Made before any connection: it waits for the first one, and fails (unsent) when that never comes.
    await expect(api.invoke('settings:get', {})).rejects.toThrow(OFFLINE_MESSAGE)
    expect(api.state()).toBe('offline')
    api.close()
    for (const s of held) s.destroy()
    await new Promise((r) => mute.close(r))
  })

  it('a server that is back with another token is told apart from one that is down', async () => {
    const url = `ws://127.0.0.1:${daemon.port}/ws?token=not-${daemon.token}`
    let asked = 0
    const api = createWsApi({
      url,
      WebSocket: globalThis.WebSocket,
      minDelayMs: 50,
      maxDelayMs: 100,
      probeToken: async () => {
        asked++
        return 'rejected'
      },
    })
    await expect.poll(() => api.state()).toBe('token-rejected')
    expect(asked).toBeGreaterThanOrEqual(1)
    await expect(api.invoke('settings:get', {})).rejects.toThrow(OFFLINE_MESSAGE)
    api.close()
  })
})
