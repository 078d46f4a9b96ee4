import { mkdir, symlink } from 'node:fs/promises'
import { join } from 'node:path'

import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { confineToRoots } from '../../../electron/serve/roots.ts'
import { startServe, type Daemon } from '../../../electron/serve/start-serve.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'
import { connect, rawRequest } from './serve-client.ts'

let dir: string
let root: string
let daemon: Daemon

beforeAll(async () => {
  dir = await makeTempDir('serve')
  root = join(dir, 'root')
  await mkdir(root)
  await mkdir(join(dir, 'renderer'))
  const { writeFile } = await import('node:fs/promises')
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Pinpoint</title>')
  daemon = await startServe({
    port: 0,
    host: '127.0.0.1',
    roots: [root],
    stateDir: join(dir, 'state'),
    rendererDir: join(dir, 'renderer'),
  })
})

afterAll(async () => {
  await daemon.close()
})

const host = () => `127.0.0.1:${daemon.port}`

describe('pinpoint serve: the token', () => {
  it('serves the page with the token, with the CSP header and no CORS', async () => {
    const res = await rawRequest(daemon.port, `/?token=${daemon.token}`, {})
    expect(res.status).toBe(200)
    expect(res.body).toContain('Pinpoint')
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(Object.keys(res.headers).some((h) => h.startsWith('access-control-'))).toBe(false)
    expect(String(res.headers['set-cookie'])).toContain('HttpOnly')
  })

  it('answers 401 and nothing else to a request without the token or with a wrong one', async () => {
    for (const path of ['/', '/index.html', '/?token=wrong', `/?token=${daemon.token}x`]) {
      const res = await rawRequest(daemon.port, path, {})
      expect(res.status).toBe(401)
      expect(res.body).not.toContain('Pinpoint')
    }
  })

  it('refuses a WebSocket without the token or with a wrong one (401), and the socket closes', async () => {
    expect((await rawRequest(daemon.port, '/ws', {}, true)).status).toBe(401)
    expect((await rawRequest(daemon.port, '/ws?token=nope', {}, true)).status).toBe(401)
    const ws = new WebSocket(`ws://${host()}/ws?token=wrong`)
    const error = await new Promise<Error>((resolve) => ws.once('error', resolve))
    expect(error.message).toMatch(/401/)
    await new Promise<void>((resolve) => (ws.readyState === ws.CLOSED ? resolve() : ws.once('close', () => resolve())))
    expect(ws.readyState).toBe(ws.CLOSED)
  })

  it('accepts the token from the cookie and from a Bearer header', async () => {
    const cookie = `pinpoint-token-${daemon.port}=${daemon.token}`
    expect((await rawRequest(daemon.port, '/', { cookie })).status).toBe(200)
    expect((await rawRequest(daemon.port, '/ws', { authorization: `Bearer ${daemon.token}` }, true)).status).toBe(101)
  })
})

describe('pinpoint serve: Host and Origin', () => {
  it('refuses a foreign Host (DNS rebinding), for pages and sockets alike', async () => {
    const path = `/?token=${daemon.token}`
    expect((await rawRequest(daemon.port, path, { host: `evil.example:${daemon.port}` })).status).toBe(403)
    expect((await rawRequest(daemon.port, path, { host: `127.0.0.1:1` })).status).toBe(403)
    const ws = `/ws?token=${daemon.token}`
    expect((await rawRequest(daemon.port, ws, { host: `evil.example:${daemon.port}` }, true)).status).toBe(403)
    expect((await rawRequest(daemon.port, ws, { host: `localhost:${daemon.port}` }, true)).status).toBe(101)
  })

  it('refuses a foreign Origin (a cross-site WebSocket), and takes its own', async () => {
    const ws = `/ws?token=${daemon.token}`
    expect((await rawRequest(daemon.port, ws, { origin: 'https://evil.example' }, true)).status).toBe(403)
    expect((await rawRequest(daemon.port, ws, { origin: `http://localhost:${daemon.port}` }, true)).status).toBe(403)
    expect((await rawRequest(daemon.port, ws, { origin: 'null' }, true)).status).toBe(403)
    expect((await rawRequest(daemon.port, ws, { origin: `http://${host()}` }, true)).status).toBe(101)
  })
})

describe('pinpoint serve: messages', () => {
  it('answers malformed and oversized messages with an error, and keeps serving', async () => {
    const c = await connect(daemon.port, daemon.token)
    const bad: Array<string | Buffer> = [
      'not json',
      '[]',
      'null',
      '{"id":{"n":1},"channel":"transfers:list","input":{}}',
      Buffer.from([1, 2, 3]),
      'x'.repeat(6 * 1024 * 1024),
    ]
    for (const data of bad) {
      const reply = c.nextReply()
      c.sendRaw(data)
      expect(await reply).toMatchObject({ id: null, ok: false })
    }
    c.ws.close()
  })

  it('answers a malformed message whose id it can read with that id', async () => {
    const c = await connect(daemon.port, daemon.token)
    const bad: Array<[string, number | string]> = [
      ['{"id":1}', 1],
      [JSON.stringify({ id: 2, channel: 'transfers:list', input: {}, extra: 1 }), 2],
      [JSON.stringify({ id: 3, channel: 7, input: {} }), 3],
      [JSON.stringify({ id: -4, channel: 'transfers:list', input: {} }), -4],
      [JSON.stringify({ id: 'abc', channel: 'transfers:list', input: {} }), 'abc'],
    ]
    for (const [data, id] of bad) {
      const reply = c.nextReply()
      c.sendRaw(data)
      expect(await reply).toMatchObject({ id, ok: false, error: expect.stringMatching(/malformed message/) })
    }
    await expect(c.call('no:such', {})).rejects.toThrow(/unknown channel/)
    await expect(c.call('transfers:add', { urls: 'x' })).rejects.toThrow(/transfers:add: urls/)
    await expect(c.call('transfers:list', {})).resolves.toMatchObject({ transfers: [] })
    c.ws.close()
  })

  it('says why reveal and open are not offered', async () => {
    const c = await connect(daemon.port, daemon.token)
    const result = await c.call('transfers:open', { id: 1 })
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/not offered by pinpoint serve/) })
    expect(await c.call('transfers:reveal', { id: 1 })).toMatchObject({ ok: false })
    c.ws.close()
  })

  it('parses the input of reveal and open before answering', async () => {
    const c = await connect(daemon.port, daemon.token)
    await expect(c.call('transfers:open', {})).rejects.toThrow(/^transfers:open: id: /)
    await expect(c.call('transfers:open', { id: 'x' })).rejects.toThrow(/^transfers:open: id: /)
    await expect(c.call('transfers:reveal', { id: 1, extra: true })).rejects.toThrow(/^transfers:reveal: /)
    await expect(c.call('transfers:reveal', null)).rejects.toThrow(/^transfers:reveal: /)
    c.ws.close()
  })

  it('sends the same event stream to 50 concurrent clients', async () => {
    const clients = await Promise.all(Array.from({ length: 50 }, () => connect(daemon.port, daemon.token)))
    const driver = clients[0]!
    for (let n = 1; n <= 5; n++) await driver.call('settings:update', { maxActive: n })
    await driver.call('transfers:add', { urls: ['http://127.0.0.1:9/a.bin'], options: { startPaused: true } })
    await driver.call('settings:update', { maxActive: 3 })
    const count = (c: (typeof clients)[number], event: string) => c.events.filter((e) => e.event === event).length
    // Queue changes are coalesced, so they may come a moment after the reply.
    await expect
      .poll(() => clients.every((c) => count(c, 'settings:changed') === 6 && count(c, 'transfers:changed') > 0))
      .toBe(true)
    const stream = (c: (typeof clients)[number]) => JSON.stringify(c.events)
    const first = stream(driver)
    expect(driver.events.some((e) => e.event === 'transfers:changed')).toBe(true)
    await expect.poll(() => clients.every((c) => stream(c) === stream(driver))).toBe(true)
    expect(stream(clients[49]!)).toBe(first)
    for (const c of clients) c.ws.close()
  })
})

describe('pinpoint serve: roots', () => {
  it('refuses a folder outside every root, also through a symlink or ..', async () => {
    const outside = join(dir, 'outside')
    await mkdir(outside)
    await symlink(outside, join(root, 'link'))
    await expect(confineToRoots(outside, [root])).rejects.toThrow(/outside every --root/)
    await expect(confineToRoots(join(root, 'link'), [root])).rejects.toThrow(/outside every --root/)
    await expect(confineToRoots(join(root, '..'), [root])).rejects.toThrow(/outside every --root/)
    await mkdir(join(root, 'sub'))
    await expect(confineToRoots(join(root, 'sub'), [root])).resolves.toBe(join(root, 'sub'))
  })

  it('refuses to download into a saved folder that is outside the roots of this run', async () => {
    const state = join(dir, 'state-roots')
    const other = join(dir, 'other')
    await mkdir(other)
    // As if the desktop app had saved a download folder that this run's roots do not cover.
    const first = await startServe({ port: 0, host: '127.0.0.1', roots: [root], stateDir: state })
    first.core.ipc.settings.update({ downloadDir: other })
    await first.close()

    const second = await startServe({ port: 0, host: '127.0.0.1', roots: [root], stateDir: state })
    const c2 = await connect(second.port, second.token)
    await expect(c2.call('transfers:add', { urls: ['http://127.0.0.1:9/b.bin'] })).rejects.toThrow(
      /outside every --root/,
    )
    const inRoot = (await c2.call('dialog:chooseFolder', {})) as { token: string }
    await expect(
      c2.call('transfers:add', {
        urls: ['http://127.0.0.1:9/c.bin'],
        folder: inRoot.token,
        options: { startPaused: true },
      }),
    ).resolves.toMatchObject({ added: [expect.anything()] })
    await second.close()
  })
})
