import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { connectControl, type ControlClient } from '../../../electron/cli/control-client.ts'
import { startServe, type Daemon } from '../../../electron/serve/start-serve.ts'
import type { ControlOutput, Output, Payload } from '../../../shared/ipc.ts'
import { startFaultServer, type FaultServer } from '../../fixtures/fault-server.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'
import { waitFor } from '../../fixtures/wait-for.ts'
import { connect, type Client } from './serve-client.ts'

// A real `pinpoint serve` (in-process), its real control socket, and web UI clients over the real WebSocket.
let dir: string
let daemon: Daemon
let control: ControlClient
let server: FaultServer
const body = makePayload(64 * 1024, 7)

beforeAll(async () => {
  dir = await makeTempDir('serve-offer')
  await mkdir(join(dir, 'root'))
  daemon = await startServe({ port: 0, host: '127.0.0.1', roots: [join(dir, 'root')], stateDir: join(dir, 'state') })
  const client = await connectControl(join(dir, 'state'))
  if (!client) throw new Error('no control socket')
  control = client
  server = await startFaultServer()
  server.serve('/one.bin', { body })
  server.serve('/two.bin', { body })
})

afterAll(async () => {
  control?.close()
  await daemon?.close()
  await server?.close()
  if (dir) await removeTempDir(dir)
})

const offered = (c: Client) =>
  c.events.filter((e) => e.event === 'links:offered').map((e) => e.payload as Payload<'links:offered'>)

describe('control:offer under pinpoint serve', () => {
  it('with no web page open, answers not shown', async () => {
    expect(daemon.clients()).toBe(0)
    expect(
      await control.request<ControlOutput<'control:offer'>>('control:offer', { text: server.url('/one.bin') }),
    ).toEqual({ shown: false })
  })

  it('sends links:offered to every open web page, which then adds them by the offer', async () => {
    const first = await connect(daemon.port, daemon.token)
    const second = await connect(daemon.port, daemon.token)
    try {
      const text = `<a href="${server.url('/one.bin')}">one</a> <a href="mailto:x@y.z">mail</a> ${server.url('/two.bin')}`
      const reply = await control.request<ControlOutput<'control:offer'>>('control:offer', {
        text,
        kind: 'html',
        referrer: 'http://127.0.0.1/page.html',
      })
      expect(reply).toEqual({ shown: true, count: 2, omitted: 0 })
      await waitFor(() => offered(first).length === 1 && offered(second).length === 1)
      const [payload] = offered(first)
      expect(payload?.urls).toEqual([server.url('/one.bin'), server.url('/two.bin')])
      expect(offered(second)).toEqual(offered(first))
      expect(((await first.call('transfers:list', {})) as Output<'transfers:list'>).transfers).toEqual([])

      const added = (await first.call('transfers:add', {
        urls: payload!.urls,
        offer: payload!.offer,
      })) as Output<'transfers:add'>
      expect(added.added.map((t) => t.url)).toEqual(payload!.urls)
      await waitFor(() => daemon.core.store.transfers.list().every((t) => t.state === 'completed'), 15_000)
      for (const t of daemon.core.store.transfers.list()) {
        const sent = server.log.filter((e) => e.path === new URL(t.url).pathname)
        expect(sent.length).toBeGreaterThan(0)
        for (const r of sent) expect(r.headers['referer']).toBe('http://127.0.0.1/page.html')
      }
    } finally {
      first.ws.close()
      second.ws.close()
    }
  })
})
