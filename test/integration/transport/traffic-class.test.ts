import { createServer, connect, type Socket } from 'node:net'
import { Duplex } from 'node:stream'
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { CS1_TOS, markTraffic } from '../../../electron/transport/traffic-class.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'

let pki: Pki
// Making the certificates runs openssl several times: slow on a busy machine.
beforeAll(async () => {
  pki = await makePki()
}, 60_000)

/** A server on loopback whose connections are held open until it closes. */
async function listen(make: () => ReturnType<typeof createServer>) {
  const server = make()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { server, port: (server.address() as { port: number }).port }
}

const tcpOf = (s: TLSSocket) =>
  (s as unknown as { _handle: { _parent: { getTypeOfService(): number } } })._handle._parent

describe('markTraffic', () => {
  const open: Array<Socket | TLSSocket> = []
  afterAll(() => open.forEach((s) => s.destroy()))

  it('sets CS1 on a plain TCP connection, as the kernel reports it, and clears it again', async () => {
    const { server, port } = await listen(() => createServer(() => {}))
    const socket = connect(port, '127.0.0.1')
    open.push(socket)
    await new Promise((r) => socket.once('connect', r))
    expect(markTraffic(socket, CS1_TOS)).toEqual({ dscp: 'CS1', applied: true })
    expect(socket.getTypeOfService()).toBe(0x20)
    expect(markTraffic(socket, 0)).toEqual({ dscp: 'default', applied: true })
    expect(socket.getTypeOfService()).toBe(0)
    socket.destroy()
    server.close()
  })

  it('marks the TCP connection beneath TLS, not just the TLS socket', async () => {
    const { server, port } = await listen(() =>
      createTlsServer({ key: pki.aTest.keyPem, cert: pki.aTest.chainPem }, () => {}),
    )
    const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'a.test', ca: pki.root.certPem })
    open.push(socket)
    await new Promise((r) => socket.once('secureConnect', r))
    expect(tcpOf(socket).getTypeOfService()).toBe(0)
    expect(markTraffic(socket, CS1_TOS)).toEqual({ dscp: 'CS1', applied: true })
    expect(tcpOf(socket).getTypeOfService()).toBe(0x20)
    socket.destroy()
    server.close()
  })

  it('says why, and does not throw, where the socket cannot be marked', () => {
    const stream = new Duplex({
      read() {},
      write(_c, _e, cb) {
        cb()
      },
    })
    const mark = markTraffic(stream, CS1_TOS)
    expect(mark.applied).toBe(false)
    expect(mark.note).toMatch(/no socket\.setTypeOfService/)
  })
})
