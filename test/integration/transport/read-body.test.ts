import { once } from 'node:events'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { httpRequest } from '../../../electron/transport/http-request.ts'
import { readBody } from '../../../electron/transport/read-body.ts'
import { createTransport, type Transport } from '../../../electron/transport/transport.ts'
import { isPinpointError } from '../../../shared/pinpoint-error.ts'

// Reading a body up to a limit, through real sockets: a body of exactly the limit is whole, one byte more is
// refused whether the length is declared, chunked or close-delimited, a body that never ends is cut off, and a
// body cut short fails with the transport's own error.

const N = 1000
const payload = (n: number) => Buffer.alloc(n, 0).map((_, i) => (i * 31) % 251)

/** What the server writes for each path, after the request head has arrived. */
const replies: Record<string, (socket: Socket) => void> = {
  '/length-n': (s) => s.end(Buffer.concat([head({ 'content-length': N }), payload(N)])),
  '/length-n1': (s) => s.end(Buffer.concat([head({ 'content-length': N + 1 }), payload(N + 1)])),
  // The head alone, the socket then held open: only the declared length can refuse it.
  '/declared-only': (s) => s.write(head({ 'content-length': N + 1 })),
  '/close-n': (s) => s.end(Buffer.concat([head({ connection: 'close' }), payload(N)])),
  '/close-n1': (s) => s.end(Buffer.concat([head({ connection: 'close' }), payload(N + 1)])),
  '/chunked-n': (s) => chunked(s, [300, 400, 300]),
  '/chunked-n1': (s) => chunked(s, [300, 400, 301]),
  '/endless': (s) => {
    s.write(head({ 'transfer-encoding': 'chunked' }))
    const more = () => {
      if (s.destroyed || s.writableEnded) return
      s.write(`100\r\n${'x'.repeat(256)}\r\n`, () => setImmediate(more))
    }
    more()
  },
  '/early-close': (s) => {
    s.write(Buffer.concat([head({ 'content-length': N }), payload(N - 10)]))
    s.end()
  },
}

function head(headers: Record<string, string | number>): Buffer {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`)
  return Buffer.from(`HTTP/1.1 200 OK\r\n${lines.join('')}\r\n`)
}

/** A chunked body written one chunk per write, so the reader sees it arrive in pieces. */
function chunked(s: Socket, sizes: number[]): void {
  s.write(head({ 'transfer-encoding': 'chunked' }))
  const body = payload(sizes.reduce((a, b) => a + b, 0))
  let at = 0
  const next = (i: number) => {
    const size = sizes[i]
    if (size === undefined) return void s.end('0\r\n\r\n')
    const piece = body.subarray(at, at + size)
    at += size
    s.write(Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), piece, Buffer.from('\r\n')]), () =>
      setImmediate(() => next(i + 1)),
    )
  }
  next(0)
}

let server: Server
let base: string
let transport: Transport
const sockets = new Set<Socket>()

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let got = ''
    const onData = (chunk: Buffer) => {
      got += chunk.toString('latin1')
      if (!got.includes('\r\n\r\n')) return
      socket.off('data', onData)
      const path = /^GET (\S+) /.exec(got)?.[1] ?? ''
      const reply = replies[path]
      if (reply) reply(socket)
      else socket.destroy()
    }
    socket.on('data', onData)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  transport = createTransport({ rules: () => [], keepAliveMs: 0 })
})
afterAll(async () => {
  for (const s of sockets) s.destroy()
  server.close()
  await once(server, 'close')
})

class TooLarge extends Error {}

async function read(path: string, max = N): Promise<Buffer> {
  const res = await httpRequest(transport, { url: new URL(`${base}${path}`), idleTimeoutMs: 10_000 })
  try {
    return await readBody(res, max, () => new TooLarge(`over ${max}`))
  } finally {
    await res.close()
  }
}

describe('readBody', () => {
  it('reads a body of exactly the limit whole, declared, close-delimited or chunked in pieces', async () => {
    expect(await read('/length-n')).toEqual(payload(N))
    expect(await read('/close-n')).toEqual(payload(N))
    expect(await read('/chunked-n')).toEqual(payload(N))
  })

  it('refuses one byte more, whether the length is declared, chunked or close-delimited', async () => {
    await expect(read('/length-n1')).rejects.toBeInstanceOf(TooLarge)
    await expect(read('/close-n1')).rejects.toBeInstanceOf(TooLarge)
    await expect(read('/chunked-n1')).rejects.toBeInstanceOf(TooLarge)
    expect(await read('/chunked-n1', N + 1)).toEqual(payload(N + 1))
  })

  it('refuses a declared length over the limit before any body byte arrives', async () => {
    await expect(read('/declared-only')).rejects.toBeInstanceOf(TooLarge)
  })

  it('cuts off a body that never ends instead of buffering it', async () => {
    await expect(read('/endless', 64 * 1024)).rejects.toBeInstanceOf(TooLarge)
  })

  it('a body cut short fails with the transport’s error, not as too large', async () => {
    const err = await read('/early-close').then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).not.toBeInstanceOf(TooLarge)
    expect(isPinpointError(err)).toBe(true)
  })
})
