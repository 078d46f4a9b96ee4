import { once } from 'node:events'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { setTimeout as delay } from 'node:timers/promises'
import { gzipSync, deflateSync } from 'node:zlib'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { httpRequest, type HttpResponse } from '../../../electron/transport/http-request.ts'
import { createTransport, type Transport } from '../../../electron/transport/transport.ts'
import { isPinpointError } from '../../../shared/pinpoint-error.ts'

/**
 * The exchange (request, head, body, keep-alive) driven through a real TCP socket by a scripted server: each
 * connection runs the next script, which reads request heads and writes whatever bytes, in whatever pieces and
 * at whatever pace, the case needs.
 */
type Script = (socket: Socket, requests: AsyncIterator<string>) => Promise<void>

let server: Server
let port: number
const scripts: Script[] = []
const sockets = new Set<Socket>()
let accepted = 0

beforeAll(async () => {
  server = createServer((socket) => {
    accepted++
    sockets.add(socket)
    socket.setNoDelay(true)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    const script = scripts.shift()
    if (!script) return void socket.destroy()
    script(socket, requestHeads(socket)).catch(() => socket.destroy())
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  port = (server.address() as AddressInfo).port
})
afterEach(() => {
  scripts.length = 0
  accepted = 0
  for (const s of sockets) s.destroy()
})
afterAll(async () => {
  server.close()
  await once(server, 'close')
})

/** Request heads as they arrive on `socket`, one per CRLF CRLF. */
async function* requestHeads(socket: Socket): AsyncGenerator<string> {
  let buf = ''
  for await (const chunk of socket) {
    buf += (chunk as Buffer).toString('latin1')
    for (let at = buf.indexOf('\r\n\r\n'); at !== -1; at = buf.indexOf('\r\n\r\n')) {
      yield buf.slice(0, at)
      buf = buf.slice(at + 4)
    }
  }
}

/** Answer one request with these pieces, each written on its own after `gapMs`. */
function pieces(parts: Array<string | Buffer>, gapMs = 30, opts: { end?: boolean } = {}): Script {
  return async (socket, requests) => {
    await requests.next()
    for (const p of parts) {
      socket.write(typeof p === 'string' ? Buffer.from(p, 'latin1') : p)
      await delay(gapMs)
    }
    if (opts.end) socket.end()
  }
}

function transport(opts: { keepAliveMs?: number } = {}): Transport {
  return createTransport({ rules: () => [], ...opts })
}

const url = (path = '/f') => new URL(`http://127.0.0.1:${port}${path}`)

type Outcome = { status: number; body: string } | { code: string }

async function fetchOnce(t: Transport, opts: { idleTimeoutMs?: number; path?: string } = {}): Promise<Outcome> {
  let res: HttpResponse | undefined
  try {
    res = await httpRequest(t, { url: url(opts.path), idleTimeoutMs: opts.idleTimeoutMs ?? 2000 })
    const body = Buffer.concat(await res.body.toArray()).toString('latin1')
    return { status: res.status, body }
  } catch (err) {
    return { code: isPinpointError(err) ? err.code : `not ours: ${String(err)}` }
  } finally {
    await res?.close()
  }
}

/** Fails the test instead of hanging it. */
function settles<T>(p: Promise<T>, ms = 8000): Promise<T> {
  return Promise.race([
    p,
    delay(ms).then(() => {
      throw new Error(`no result within ${ms} ms: a promise was left unsettled`)
    }),
  ])
}

describe('the response head, whatever the segmentation', () => {
  it('reads a head written as status line, then headers, then the blank line and body', async () => {
    scripts.push(pieces(['HTTP/1.1 200 OK\r\n', 'Content-Length: 5\r\n', '\r\nhello']))
    expect(await settles(fetchOnce(transport()))).toEqual({ status: 200, body: 'hello' })
  })

  it('reads a head that arrives one byte at a time, split inside the CRLF CRLF', async () => {
    const wire = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: b\r\n\r\nok'
    scripts.push(pieces([...wire], 2))
    expect(await settles(fetchOnce(transport()))).toEqual({ status: 200, body: 'ok' })
  })

  it('skips 1xx interim responses that arrive in pieces of their own', async () => {
    scripts.push(
      pieces([
        'HTTP/1.1 100 Continue\r\n\r\n',
        'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n',
        '\r\n',
        'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n',
        'x',
      ]),
    )
    expect(await settles(fetchOnce(transport()))).toEqual({ status: 200, body: 'x' })
  })

  it('ends a head that never completes with IDLE_TIMEOUT, not a hang', async () => {
    scripts.push(pieces(['HTTP/1.1 200 OK\r\n', 'Content-Length: 5\r\n'], 10))
    expect(await settles(fetchOnce(transport(), { idleTimeoutMs: 300 }))).toEqual({ code: 'IDLE_TIMEOUT' })
  })

  it('bounds the whole head in time: a server dripping a header byte by byte cannot hold a request forever', async () => {
    scripts.push(async (socket, requests) => {
      await requests.next()
      socket.write('HTTP/1.1 200 OK\r\nX-Slow: ')
      for (let i = 0; i < 200 && !socket.destroyed; i++) {
        socket.write('a')
        await delay(20)
      }
    })
    const t = createTransport({ rules: () => [], headTimeoutMs: 500 })
    const started = performance.now()
    const got = await settles(fetchOnce(t, { idleTimeoutMs: 1000 }))
    expect(got).toEqual({ code: 'IDLE_TIMEOUT' })
    expect(performance.now() - started).toBeLessThan(3000)
  })

  it('bounds the trailer section like a head, in bytes', async () => {
    const trailers = Array.from({ length: 40 }, (_, i) => `X-T${i}: ${'t'.repeat(500)}\r\n`).join('')
    scripts.push(pieces(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n', trailers, '\r\n']))
    expect(await settles(fetchOnce(transport()))).toEqual({ code: 'PROTOCOL_ERROR' })
  })
})

describe('framing as RFC 9112 section 6.3 says', () => {
  it('refuses Transfer-Encoding together with Content-Length instead of trusting either', async () => {
    scripts.push(
      pieces(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n5\r\nhello\r\n0\r\n\r\n']),
    )
    expect(await settles(fetchOnce(transport()))).toEqual({ code: 'PROTOCOL_ERROR' })
  })

  for (const [coding, encode] of [
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
  ] as const) {
    it(`decodes the ${coding} transfer coding (hop-by-hop: the bytes under it are the resource)`, async () => {
      const body = Buffer.from('pinpoint '.repeat(5000))
      const coded = encode(body)
      const half = Math.floor(coded.length / 2)
      scripts.push(
        pieces([
          `HTTP/1.1 200 OK\r\nTransfer-Encoding: ${coding}, chunked\r\n\r\n`,
          `${half.toString(16)}\r\n`,
          coded.subarray(0, half),
          `\r\n${(coded.length - half).toString(16)}\r\n`,
          coded.subarray(half),
          '\r\n0\r\n\r\n',
        ]),
      )
      expect(await settles(fetchOnce(transport()))).toEqual({ status: 200, body: body.toString('latin1') })
    })
  }

  it('refuses a corrupt gzip transfer coding', async () => {
    scripts.push(pieces(['HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n']))
    expect(await settles(fetchOnce(transport()))).toEqual({ code: 'PROTOCOL_ERROR' })
  })

  it('refuses a transfer coding it cannot decode, naming it', async () => {
    scripts.push(pieces(['HTTP/1.1 200 OK\r\nTransfer-Encoding: br, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n']))
    const t = transport()
    const err = await settles(
      httpRequest(t, { url: url() }).then(
        () => undefined,
        (e: unknown) => e,
      ),
    )
    expect(err).toMatchObject({ code: 'PROTOCOL_ERROR' })
    expect(String((err as Error).message)).toContain('br')
  })

  for (const status of ['000', '099', '600', '999']) {
    it(`refuses status ${status}: outside 100-599 is malformed`, async () => {
      scripts.push(pieces([`HTTP/1.1 ${status} Odd\r\nContent-Length: 2\r\n\r\nok`]))
      expect(await settles(fetchOnce(transport()))).toEqual({ code: 'PROTOCOL_ERROR' })
    })
  }
})

describe('keep-alive reuses only a provably clean connection', () => {
  it('retires a connection that received bytes after its response ended, before the next request', async () => {
    scripts.push(async (socket, requests) => {
      await requests.next()
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst')
      // A late duplicate of the response: it reaches us after the body ended, before we are done with it.
      await delay(20)
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale')
      for await (const _ of { [Symbol.asyncIterator]: () => requests }) {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nwrong')
      }
    })
    scripts.push(pieces(['HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond']))
    const t = transport()
    const res = await settles(httpRequest(t, { url: url() }))
    expect(Buffer.concat(await res.body.toArray()).toString()).toBe('first')
    // The caller takes its time (say, a disk write) before it hands the connection back.
    await delay(100)
    await res.close()
    // ...and sends the next request in the same turn.
    expect(await settles(fetchOnce(t))).toEqual({ status: 200, body: 'second' })
    expect(accepted).toBe(2)
  })

  it('retires a connection whose extra bytes arrived in the same read as the response', async () => {
    scripts.push(async (socket, requests) => {
      await requests.next()
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirstHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale')
      for await (const _ of { [Symbol.asyncIterator]: () => requests }) {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nwrong')
      }
    })
    scripts.push(pieces(['HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond']))
    const t = transport()
    expect(await settles(fetchOnce(t))).toEqual({ status: 200, body: 'first' })
    expect(await settles(fetchOnce(t))).toEqual({ status: 200, body: 'second' })
  })
})

describe('a reader that stops the flow', () => {
  it('times out a silent server after the reader resumes, even when it paused past the idle timeout', async () => {
    scripts.push(pieces(['HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n', Buffer.alloc(1000)], 10))
    const t = transport()
    const res = await settles(httpRequest(t, { url: url(), idleTimeoutMs: 300 }))
    let first = true
    const outcome = new Promise<string>((resolve) => {
      res.body.read({
        // A slow disk: the first piece stops the flow for longer than the idle timeout.
        data: () => {
          const go = !first
          first = false
          return go
        },
        end: () => resolve('end'),
        error: (err) => resolve(isPinpointError(err) ? err.code : String(err)),
      })
    })
    await delay(700)
    res.body.resume()
    expect(await settles(outcome)).toBe('IDLE_TIMEOUT')
    await res.close()
  })
})
