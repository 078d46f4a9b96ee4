import { connect, createServer, type Server, type Socket } from 'node:net'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { BACKGROUND_READ_BYTES, BackgroundRate } from '../../../electron/engine/background-rate.ts'
import { priorityTransport } from '../../../electron/queue/priority-transport.ts'
import type { ConnectionInfo } from '../../../electron/transport/connection-info.ts'
import { ReadRelay } from '../../../electron/transport/read-relay.ts'
import type { Connection, Transport } from '../../../electron/transport/transport.ts'

let server: Server
let socket: Socket
const served: Socket[] = []

beforeAll(async () => {
  server = createServer((s) => served.push(s))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  socket = connect((server.address() as { port: number }).port, '127.0.0.1')
  await new Promise((r) => socket.once('connect', r))
})
afterAll(async () => {
  socket.destroy()
  for (const s of served) s.destroy()
  await new Promise((r) => server.close(r))
})

/** A transport that hands out the one real, kept-alive connection above, as the idle pool would. */
function pooled(): Transport & { handed: Connection[] } {
  const handed: Connection[] = []
  return {
    handed,
    target: () => {
      throw new Error('not used')
    },
    async connect() {
      const info = { host: 'h.test', address: '127.0.0.1', port: 1 } as ConnectionInfo
      // A kept-alive connection: the same socket and the same relay, as the pool hands them back.
      const relay = handed[0]?.relay ?? new ReadRelay()
      const conn = { socket, relay, info, target: {} as Connection['target'], reused: handed.length > 0, key: 'k' }
      handed.push(conn)
      return conn
    },
    release: () => {},
    headTimeoutMs: 1000,
  }
}

describe('priorityTransport', () => {
  it('marks a background transfer’s connection, times its first byte, and a normal one clears the mark', async () => {
    const inner = pooled()
    const background = new BackgroundRate()
    const leave = background.join(1, null)
    try {
      const bg = await priorityTransport(inner, 'background', background).connect(new URL('http://h.test/'))
      expect(bg.info.trafficClass).toEqual({ dscp: 'CS1', applied: true })
      expect(socket.getTypeOfService()).toBe(0x20)
      // Its reads come in small pieces, each opening the TCP window by no more than that.
      expect(bg.relay.onreadSized.buffer().length).toBe(BACKGROUND_READ_BYTES)
      // The first byte read for the response is a delay sample for the controller.
      bg.relay.attach(() => true)
      bg.relay.onread.callback(1)
      background.tick()
      expect(background.status().baseDelayMs).not.toBeNull()

      const normal = await priorityTransport(inner, 'normal', background).connect(new URL('http://h.test/'))
      expect(normal.reused).toBe(true)
      expect(normal.info.trafficClass).toEqual({ dscp: 'default', applied: true })
      expect(socket.getTypeOfService()).toBe(0)
      // The same relay the background transfer narrowed reads whole again.
      expect(normal.relay).toBe(bg.relay)
      expect(normal.relay.onreadSized.buffer().length).toBe(normal.relay.onread.buffer.length)
      // A normal transfer handed an unmarked connection records nothing about marks.
      const again = await priorityTransport(inner, 'normal', background).connect(new URL('http://h.test/'))
      expect(again.info.trafficClass).toBeUndefined()
    } finally {
      leave()
    }
  })
})
