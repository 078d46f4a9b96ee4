import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { ConnectionInfo } from '../../../electron/transport/connection-info.ts'
import { profiledTransport } from '../../../electron/transport/profiled-transport.ts'
import { createTransport } from '../../../electron/transport/transport.ts'
import { HostRule } from '../../../shared/domain.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { startTlsHttpServer, type TlsHttpServer } from '../../fixtures/tls-http-server.ts'

// Two nodes of a.test on one port; the download was on the first (its last node), which is gone.
let pki: Pki
let dead: TlsHttpServer
let alive: TlsHttpServer

beforeAll(async () => {
  pki = await makePki()
  const cert = { keyPem: pki.aTest.keyPem, chainPem: pki.aTest.chainPem }
  dead = await startTlsHttpServer({ host: '127.0.0.2', default: cert })
  alive = await startTlsHttpServer({ host: '127.0.0.3', port: dead.port, default: cert })
  await dead.close()
}, 30_000)
afterAll(async () => {
  await alive?.close()
})

describe("a download's preferred node after a failover", () => {
  it('later connections go to the node that took over, not to the dead one first', async () => {
    const history: ConnectionInfo[] = []
    const rule = HostRule.parse({ pattern: 'a.test', addresses: ['127.0.0.2', '127.0.0.3'], ca: pki.rootPem })
    const transport = createTransport({
      rules: () => [rule],
      connectTimeoutMs: 2000,
      keepAliveMs: 0,
      onConnection: (info) => history.push(info),
    })
    const download = profiledTransport(transport, undefined, '127.0.0.2')
    const url = new URL(alive.url('/', 'a.test'))
    for (let i = 0; i < 4; i++) {
      const conn = await download.connect(url, undefined, { fresh: true })
      expect(conn.info.address).toBe('127.0.0.3')
      conn.socket.destroy()
    }
    const triedDead = history.map((info) => info.attempts.filter((a) => a.address === '127.0.0.2').length)
    // The first connection fails over; none after it tries the dead node again.
    expect(triedDead).toEqual([1, 0, 0, 0])
  })

  it('a node the caller names still wins, and does not move the download', async () => {
    const history: ConnectionInfo[] = []
    const rule = HostRule.parse({ pattern: 'a.test', addresses: ['127.0.0.3', '127.0.0.2'], ca: pki.rootPem })
    const transport = createTransport({
      rules: () => [rule],
      connectTimeoutMs: 2000,
      keepAliveMs: 0,
      onConnection: (info) => history.push(info),
    })
    const download = profiledTransport(transport, undefined, '127.0.0.3')
    const url = new URL(alive.url('/', 'a.test'))
    const named = await download.connect(url, undefined, { fresh: true, prefer: '127.0.0.2' })
    named.socket.destroy()
    const next = await download.connect(url, undefined, { fresh: true })
    next.socket.destroy()
    expect(history.map((i) => i.attempts[0]?.address)).toEqual(['127.0.0.2', '127.0.0.3'])
  })
})
