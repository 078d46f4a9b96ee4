import { createServer, type Server, type Socket } from 'node:net'

import { afterAll, describe, expect, it } from 'vitest'

import { HostRule } from '../../../shared/domain.ts'
import type { ProxyServer } from '../../../shared/proxy.ts'
import { httpRequest } from '../../../electron/transport/http-request.ts'
import { createTransport } from '../../../electron/transport/transport.ts'

// Our own misbehaving proxy: each test scripts what it answers. Every case must end in a clear error, never a hang
// (the connect timeout is far above what a test may take, so a hang fails the test by its own timeout).
const servers: Server[] = []
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
})

async function hostile(onConnection: (socket: Socket, first: Promise<Buffer>) => void): Promise<number> {
  const server = createServer((socket) => {
    socket.on('error', () => {})
    const first = new Promise<Buffer>((resolve) => socket.once('data', resolve))
    onConnection(socket, first)
  })
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return (server.address() as { port: number }).port
}

async function attempt(proxy: ProxyServer, url = 'https://a.test:8443/x') {
  const rules = [HostRule.parse({ pattern: 'a.test', addresses: ['127.0.0.1'] })]
  const t = createTransport({ rules: () => rules, connectTimeoutMs: 20_000, keepAliveMs: 0, proxy: () => proxy })
  return httpRequest(t, { url: new URL(url) }).then(
    () => {
      throw new Error('expected a failure')
    },
    (err: { code: string; message: string }) => ({ code: err.code, message: err.message }),
  )
}

describe('HTTP CONNECT replies', () => {
  it('a malformed status line', async () => {
    const port = await hostile(async (s, first) => {
      await first
      s.write('HTTP/1.1 2OO Okay\r\n\r\n')
    })
    const err = await attempt({ url: `http://127.0.0.1:${port}` })
    expect(err.code).toBe('PROXY_FAILED')
    expect(err.message).toContain(
      `proxy http://127.0.0.1:${port} answered CONNECT 127.0.0.1:8443 with a malformed reply`,
    )
  })

  it('403 and 502, with the status line', async () => {
    for (const line of ['HTTP/1.1 403 Forbidden', 'HTTP/1.0 502 Bad Gateway']) {
      const port = await hostile(async (s, first) => {
        await first
        s.end(`${line}\r\nContent-Length: 0\r\n\r\n`)
      })
      const err = await attempt({ url: `http://127.0.0.1:${port}` })
      expect(err).toEqual({
        code: 'PROXY_FAILED',
        message: `proxy http://127.0.0.1:${port} answered CONNECT 127.0.0.1:8443 with "${line}"`,
      })
    }
  })

  it('407 asking for NTLM and Negotiate names them as unsupported', async () => {
    const port = await hostile(async (s, first) => {
      await first
      s.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM\r\nProxy-Authenticate: Negotiate\r\n\r\n',
      )
    })
    const err = await attempt({ url: `http://127.0.0.1:${port}`, user: 'u', password: 'p' })
    expect(err.code).toBe('PROXY_AUTH_REQUIRED')
    expect(err.message).toContain('asks for NTLM, Negotiate authentication, which Pinpoint does not support')
  })

  it('sends Basic credentials only as the proxy header, and never puts them in the error', async () => {
    let seen = ''
    const port = await hostile(async (s, first) => {
      seen = (await first).toString('latin1')
      s.end('HTTP/1.1 407 Nope\r\nProxy-Authenticate: Basic realm="x"\r\n\r\n')
    })
    const err = await attempt({ url: `http://127.0.0.1:${port}`, user: 'al:ice', password: 'pässword' })
    expect(seen).toBe(
      `CONNECT 127.0.0.1:8443 HTTP/1.1\r\nHost: 127.0.0.1:8443\r\nProxy-Authorization: Basic ${Buffer.from('al:ice:pässword').toString('base64')}\r\n\r\n`,
    )
    expect(err.message).toContain('rejected the user name and password ("HTTP/1.1 407 Nope")')
    expect(err.message).not.toContain('pässword')
  })

  it('closes mid-reply', async () => {
    const port = await hostile(async (s, first) => {
      await first
      s.end('HTTP/1.1 200 Conn')
    })
    const err = await attempt({ url: `http://127.0.0.1:${port}` })
    expect(err).toMatchObject({ code: 'PROXY_FAILED' })
    expect(err.message).toContain('closed the connection during its handshake')
  })

  it('an endless head', async () => {
    const port = await hostile(async (s, first) => {
      await first
      s.write(`HTTP/1.1 200 OK\r\n${'X-Pad: y\r\n'.repeat(3000)}`)
    })
    const err = await attempt({ url: `http://127.0.0.1:${port}` })
    expect(err.message).toContain('sent a CONNECT reply head longer than 16384 bytes')
  })
})

describe('SOCKS5 replies', () => {
  it('a wrong version in the greeting reply', async () => {
    const port = await hostile(async (s, first) => {
      await first
      s.write(Buffer.from([4, 0]))
    })
    const err = await attempt({ url: `socks5://127.0.0.1:${port}` })
    expect(err.message).toContain('answered the greeting with version 4, not 5')
  })

  it('reply codes by name', async () => {
    const port = await hostile(async (s, first) => {
      await first
      s.write(Buffer.from([5, 0]))
      s.once('data', () => s.write(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0])))
    })
    const err = await attempt({ url: `socks5://127.0.0.1:${port}` })
    expect(err).toEqual({
      code: 'PROXY_FAILED',
      message: `SOCKS5 proxy socks5://127.0.0.1:${port} could not connect to 127.0.0.1:8443: connection refused (reply 5)`,
    })
  })

  it('no acceptable method without credentials asks for them', async () => {
    const port = await hostile(async (s, first) => {
      await first
      s.write(Buffer.from([5, 0xff]))
    })
    const err = await attempt({ url: `socks5://127.0.0.1:${port}` })
    expect(err.code).toBe('PROXY_AUTH_REQUIRED')
  })

  it('closes mid-handshake, and an unknown address type', async () => {
    const closing = await hostile(async (s, first) => {
      await first
      s.end(Buffer.from([5]))
    })
    expect((await attempt({ url: `socks5h://127.0.0.1:${closing}` })).message).toContain('closed the connection')
    const odd = await hostile(async (s, first) => {
      await first
      s.write(Buffer.from([5, 0]))
      s.once('data', () => s.write(Buffer.from([5, 0, 0, 9, 1, 2, 3])))
    })
    expect((await attempt({ url: `socks5h://127.0.0.1:${odd}` })).message).toContain('address type 9')
  })
})

it('a proxy that accepts and says nothing runs into the connect timeout', async () => {
  const port = await hostile(() => {})
  const rules = [HostRule.parse({ pattern: 'a.test', addresses: ['127.0.0.1'] })]
  const t = createTransport({
    rules: () => rules,
    connectTimeoutMs: 300,
    proxy: () => ({ url: `socks5://127.0.0.1:${port}` }),
  })
  const err = await httpRequest(t, { url: new URL('https://a.test:8443/') }).then(
    () => ({ code: 'none', message: 'no failure' }),
    (e: { code: string; message: string }) => e,
  )
  expect(err.code).toBe('CONNECT_TIMEOUT')
  expect(err.message).toContain(`proxy socks5://127.0.0.1:${port}: no tunnel to 127.0.0.1:8443 within 300 ms`)
})
