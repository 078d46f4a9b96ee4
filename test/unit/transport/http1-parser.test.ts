import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { Http1Parser, type ResponseHeaders } from '../../../electron/transport/http1-parser.ts'
import { isPinpointError } from '../../../shared/pinpoint-error.ts'

interface Parsed {
  status?: number
  headers?: ResponseHeaders
  body: Buffer
  ended: boolean
}

/**
 * Feed `wire` in the given pieces through one reused buffer, as the socket's read relay does, so a parser that
 * kept a view of its input instead of a copy would see the bytes change under it.
 */
function parse(wire: Buffer, cuts: number[] = [], opts: { method?: string; close?: boolean } = {}): Parsed {
  const out: Parsed = { body: Buffer.alloc(0), ended: false }
  const pieces: Buffer[] = []
  const parser = new Http1Parser(
    {
      head: (status, headers) => Object.assign(out, { status, headers }),
      body: (buf, start, end) => void pieces.push(Buffer.from(buf.subarray(start, end))),
      end: () => {
        out.ended = true
      },
    },
    { host: 'h.test', method: opts.method ?? 'GET' },
  )
  const reused = Buffer.alloc(wire.length + 1)
  const at = [...new Set([0, ...cuts.filter((c) => c > 0 && c < wire.length), wire.length])].sort((a, b) => a - b)
  for (let k = 0; k + 1 < at.length; k++) {
    const n = wire.copy(reused, 0, at[k], at[k + 1])
    parser.feed(reused, 0, n)
    reused.fill(0x58)
  }
  if (opts.close) parser.close()
  out.body = Buffer.concat(pieces)
  return out
}

const wire = (s: string) => Buffer.from(s, 'latin1')
const codeOf = (fn: () => unknown) => {
  try {
    fn()
  } catch (err) {
    return isPinpointError(err) ? err.code : String(err)
  }
  return 'no error'
}

describe('Http1Parser', () => {
  it('reads status, headers (lower-cased, repeats as arrays) and a Content-Length body', () => {
    const got = parse(
      wire('HTTP/1.1 206 Partial Content\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2\r\nETag: "v1"\r\n\r\nhelloEXTRA'),
    )
    expect(got.status).toBe(206)
    expect(got.headers).toMatchObject({ 'content-length': '5', 'x-a': ['1', '2'], etag: '"v1"' })
    expect(got.body.toString()).toBe('hello')
    expect(got.ended).toBe(true)
  })

  it('skips 1xx interim responses and reads the final one', () => {
    const got = parse(
      wire(
        'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
      ),
    )
    expect(got.status).toBe(200)
    expect(got.body.toString()).toBe('ok')
  })

  it('decodes chunked bodies with extensions and trailers', () => {
    const got = parse(
      wire(
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
          '4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer: t\r\n\r\n',
      ),
    )
    expect(got.body.toString()).toBe('Wikipedia in\r\n\r\nchunks.')
    expect(got.ended).toBe(true)
  })

  it('reads a body without length until the connection closes, and that close is its end', () => {
    const got = parse(wire('HTTP/1.1 200 OK\r\n\r\nall of it'), [], { close: true })
    expect(got.body.toString()).toBe('all of it')
    expect(got.ended).toBe(true)
  })

  it('has no body for HEAD, 204 and 304, whatever Content-Length says', () => {
    expect(parse(wire('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n'), [], { method: 'HEAD' }).ended).toBe(true)
    expect(parse(wire('HTTP/1.1 204 No Content\r\n\r\n')).ended).toBe(true)
    expect(parse(wire('HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n')).ended).toBe(true)
  })

  it('accepts a repeated equal Content-Length and refuses conflicting or malformed ones', () => {
    expect(parse(wire('HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok')).body.toString()).toBe('ok')
    expect(parse(wire('HTTP/1.1 200 OK\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\nok')).ended).toBe(true)
    for (const cl of ['2, 3', '-1', '1e3', '0x10', '99999999999999999', '']) {
      expect(codeOf(() => parse(wire(`HTTP/1.1 200 OK\r\nContent-Length: ${cl}\r\n\r\nok`)))).toBe('PROTOCOL_ERROR')
    }
  })

  it.each([
    ['a bad status line', 'HTTP/2 200 OK\r\n\r\n'],
    ['a status below 100', 'HTTP/1.1 099 Odd\r\n\r\n'],
    ['a status above 599', 'HTTP/1.1 600 Odd\r\n\r\n'],
    [
      'Transfer-Encoding with Content-Length',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n',
    ],
    ['chunked applied twice', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n'],
    ['chunked before another coding', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n'],
    ['an unknown transfer coding', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: br, chunked\r\n\r\n'],
    ['a bare LF in the head', 'HTTP/1.1 200 OK\nContent-Length: 0\n\n'],
    ['a bare LF after a chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\nok\r\n0\r\n\r\n'],
    [
      'a trailer section past 16 KiB',
      `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n${'X-T: 0123456789abcdef\r\n'.repeat(800)}\r\n`,
    ],
    ['a malformed trailer', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nno colon here\r\n\r\n'],
    ['obsolete line folding', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\n\r\n'],
    ['a space before the colon', 'HTTP/1.1 200 OK\r\nX-A : 1\r\n\r\n'],
    ['a bare CR in a value', 'HTTP/1.1 200 OK\r\nX-A: 1\r2\r\n\r\n'],
    ['a switch of protocols', 'HTTP/1.1 101 Switching Protocols\r\n\r\n'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['chunk data longer than its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n'],
    ['a head past 16 KiB', `HTTP/1.1 200 OK\r\n${'X-Junk: 0123456789abcdef\r\n'.repeat(700)}\r\n`],
    ['a head that never ends', `HTTP/1.1 200 OK\r\n${'x'.repeat(20_000)}`],
  ])('refuses %s as PROTOCOL_ERROR', (_why, text) => {
    expect(codeOf(() => parse(wire(text)))).toBe('PROTOCOL_ERROR')
  })

  it.each([
    ['before the headers', 'HTTP/1.1 200 OK\r\nContent-Le'],
    ['inside a Content-Length body', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort'],
    ['inside a chunked body', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab'],
  ])('reports a close %s as CONNECTION_RESET', (_where, text) => {
    expect(codeOf(() => parse(wire(text), [], { close: true }))).toBe('CONNECTION_RESET')
  })

  it('gives the same result however the input is split (property)', () => {
    const chunked = (parts: string[]) =>
      parts.map((p) => `${Buffer.byteLength(p, 'latin1').toString(16)}\r\n${p}\r\n`).join('') + '0\r\n\r\n'
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.array(fc.nat(400), { maxLength: 12 }),
        (parts, useChunked, cuts) => {
          const body = parts.join('')
          const text = useChunked
            ? `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${chunked(parts)}`
            : `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body, 'latin1')}\r\n\r\n${body}`
          const got = parse(wire(text), cuts)
          expect(got.status).toBe(200)
          expect(got.body.toString('latin1')).toBe(body)
          expect(got.ended).toBe(true)
        },
      ),
    )
  })
})
