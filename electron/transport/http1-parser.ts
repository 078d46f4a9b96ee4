import { PinpointError } from '../../shared/pinpoint-error.ts'

export type ResponseHeaders = Record<string, string | string[] | undefined>

export interface ParserEvents {
  /**
   * The final (non-1xx) status line and headers; 1xx interim responses are skipped. `codings` are the transfer
   * codings other than chunked, in the order the server applied them; the body pieces that follow are still
   * under them.
   */
  head(status: number, headers: ResponseHeaders, codings: readonly TransferCoding[]): void
  /** A piece of the body: `buf[start, end)`, valid only during the call. */
  body(buf: Buffer, start: number, end: number): void
  /** The body is complete by its framing; bytes after it are ignored (the connection is not reused). */
  end(): void
  /** The last chunk came and a trailer section begins, which is bounded in time like a head. */
  trailers?(): void
}

/** The transfer codings we undo (besides chunked); any other is refused, since its bytes are not the file's. */
export type TransferCoding = 'gzip' | 'deflate'
const CODINGS: Record<string, TransferCoding | null> = {
  gzip: 'gzip',
  'x-gzip': 'gzip',
  deflate: 'deflate',
  identity: null,
}

/**
 * Limits that keep a hostile server from making us buffer without end. The head's is Node's own default
 * (`--max-http-header-size`, 16 KiB); a trailer section gets the same budget, all lines together.
 */
const MAX_HEAD = 16 * 1024
const MAX_CHUNK_LINE = 1024
/** 2^53: a Content-Length or chunk size past this cannot be counted exactly in a JS number. */
const MAX_LENGTH = Number.MAX_SAFE_INTEGER

const CR = 13
const LF = 10
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/
/** A chunk size (13 hex digits stay within 2^53) and optional extensions, with optional whitespace before them. */
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,13})[\t ]*(?:;[\t\x20-\x7e\x80-\xff]*)?$/

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-data-end' | 'trailers' | 'close' | 'done'

/**
 * An incremental HTTP/1.1 response parser (RFC 9112) for one response on one connection, fed whatever the
 * socket delivers, split anywhere.
 *
 * The body's framing follows RFC 9112 §6.3: no body for HEAD, 1xx, 204 and 304; chunked when it is the final
 * transfer coding; else Content-Length; else until the connection closes. A response with both
 * Transfer-Encoding and Content-Length, conflicting Content-Lengths, a status outside 100-599, obsolete line
 * folding, a bare LF, malformed lines and oversized heads or trailers are refused as PROTOCOL_ERROR (llhttp
 * refuses the same), since a download whose length is in doubt cannot be trusted to land at the right offsets.
 * Body bytes are handed over as views of the input, never copied here.
 */
export class Http1Parser {
  readonly #events: ParserEvents
  readonly #host: string
  readonly #noBody: boolean
  #state: State = 'head'
  /** A head that did not fit in one input, gathered here (allocated only then): `[0, #headLen)`. */
  #headBuf: Buffer | undefined
  #headLen = 0
  /** Where the head's current line starts, in `#headBuf`. */
  #lineStart = 0
  /** A partial chunk-size, chunk-end or trailer line carried over from earlier input. */
  #pending: Buffer | undefined
  #trailerBytes = 0
  #left = 0
  #status = 0
  #keepAlive = false
  #extra = false

  constructor(events: ParserEvents, opts: { host: string; method: string }) {
    this.#events = events
    this.#host = opts.host
    this.#noBody = opts.method === 'HEAD'
  }

  get done(): boolean {
    return this.#state === 'done'
  }

  /**
   * Whether the connection may carry another request: the response was HTTP/1.1 without `Connection: close`,
   * its body ended by its own framing (not by a close), and nothing followed it.
   */
  get reusable(): boolean {
    return this.#state === 'done' && this.#keepAlive && !this.#extra
  }

  /** Whether the body runs until the connection closes, so a close is its normal end. */
  get untilClose(): boolean {
    return this.#state === 'close'
  }

  feed(buf: Buffer, start = 0, end = buf.length): void {
    let i = start
    while (i < end && this.#state !== 'done') {
      switch (this.#state) {
        case 'head':
          i = this.#head(buf, i, end)
          break
        case 'chunk-size':
        case 'trailers':
          i = this.#line(buf, i, end)
          break
        case 'length':
        case 'chunk-data': {
          const n = Math.min(this.#left, end - i)
          this.#events.body(buf, i, i + n)
          i += n
          this.#left -= n
          if (this.#left === 0) {
            if (this.#state === 'length') this.#finish()
            else this.#state = 'chunk-data-end'
          }
          break
        }
        case 'chunk-data-end':
          i = this.#line(buf, i, end)
          break
        case 'close':
          this.#events.body(buf, i, end)
          i = end
          break
      }
    }
    if (i < end) this.#extra = true
  }

  /** The connection closed: the end of a close-delimited body, or a response cut short. */
  close(): void {
    if (this.#state === 'close') {
      this.#keepAlive = false
      return this.#finish()
    }
    if (this.#state === 'done') return
    const what = this.#state === 'head' ? 'before the response headers' : 'before the end of the body'
    throw new PinpointError('CONNECTION_RESET', `${this.#host}: connection closed early (${what})`, {
      host: this.#host,
    })
  }

  /** Collect the head up to its empty line, across inputs. Returns where the head ended in `buf`. */
  #head(buf: Buffer, i: number, end: number): number {
    if (this.#headLen === 0) {
      // The common case: the whole head is in this input and is parsed where it lies.
      const to = Math.min(end, i + MAX_HEAD)
      const found = this.#scanHead(buf, i, to, i)
      if (found >= 0) {
        this.#onHead(buf.toString('latin1', i, found))
        return found
      }
      if (to - i >= MAX_HEAD) throw this.#malformed('the response head is too large')
      // Copied: the input is the socket's reused read buffer.
      this.#headBuf ??= Buffer.allocUnsafe(MAX_HEAD)
      this.#headLen = buf.copy(this.#headBuf, 0, i, end)
      this.#lineStart = -found - 1 - i
      return end
    }
    const head = this.#headBuf as Buffer
    const from = this.#headLen
    const n = buf.copy(head, from, i, Math.min(end, i + MAX_HEAD - from))
    const found = this.#scanHead(head, from, from + n, this.#lineStart)
    if (found >= 0) {
      this.#headLen = 0
      this.#onHead(head.toString('latin1', 0, found))
      return i + found - from
    }
    this.#headLen += n
    this.#lineStart = -found - 1
    if (this.#headLen >= MAX_HEAD) throw this.#malformed('the response head is too large')
    return i + n
  }

  /**
   * Look for the head's empty line in `data[from, to)`, where the current line began at `lineStart`. Returns
   * the index just past it, or, when the head goes on, `-(start of its last line) - 1`. Every LF must end a
   * CRLF: a bare LF is refused, as llhttp does, rather than guessed at.
   */
  #scanHead(data: Buffer, from: number, to: number, lineStart: number): number {
    const view = to === data.length ? data : data.subarray(0, to)
    for (let lf = view.indexOf(LF, from); lf !== -1; lf = view.indexOf(LF, lf + 1)) {
      if (lf === lineStart || data[lf - 1] !== CR) throw this.#malformed('a line ends in a bare LF')
      if (lf === lineStart + 1) return lf + 1
      lineStart = lf + 1
    }
    return -lineStart - 1
  }

  /** Collect one CRLF-terminated line (a chunk size, a chunk's end, a trailer) across inputs, then act on it. */
  #line(buf: Buffer, i: number, end: number): number {
    const lf = buf.indexOf(LF, i)
    const stop = lf === -1 || lf >= end ? end : lf + 1
    const piece = buf.subarray(i, stop)
    const line = this.#pending ? Buffer.concat([this.#pending, piece]) : piece
    const trailer = this.#state === 'trailers'
    if (line.length > (trailer ? MAX_HEAD : MAX_CHUNK_LINE) || this.#trailerBytes + line.length > MAX_HEAD) {
      throw this.#malformed(trailer ? 'the trailer section is too large' : 'a chunk line is too long')
    }
    if (stop === end && (lf === -1 || lf >= end)) {
      this.#pending = Buffer.from(line)
      return end
    }
    this.#pending = undefined
    if (line.length < 2 || line[line.length - 2] !== CR) throw this.#malformed('a line ends in a bare LF')
    const text = line.toString('latin1', 0, line.length - 2)
    if (this.#state === 'chunk-size') this.#onChunkSize(text)
    else if (this.#state === 'chunk-data-end') {
      if (text.length !== 0) throw this.#malformed('chunk data longer than its size')
      this.#state = 'chunk-size'
    } else if (text.length === 0) this.#finish()
    else {
      // A trailer field is read and dropped: none changes how the bytes are placed. Its shape is checked as a
      // header's would be, and the section as a whole has the head's byte budget.
      this.#trailerBytes += line.length
      this.#field(text)
    }
    return stop
  }

  #onHead(text: string): void {
    const lines = text.split('\r\n')
    // The split leaves two empty strings after the final CRLF CRLF.
    lines.length -= 2
    const m = /^HTTP\/1\.([01]) (\d{3})(?: [^]*)?$/.exec(lines[0] ?? '')
    if (!m) throw this.#malformed(`bad status line ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`)
    const status = Number(m[2])
    if (status < 100 || status > 599) throw this.#malformed(`status ${m[2]} is outside 100-599`)
    if (!FIELD_VALUE.test(lines[0] as string)) throw this.#malformed('bad characters in the status line')
    const headers: ResponseHeaders = {}
    for (let k = 1; k < lines.length; k++) {
      const [key, value] = this.#field(lines[k] as string)
      const prev = headers[key]
      headers[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value]
    }
    if (status < 200) {
      if (status === 101) throw this.#malformed('the server switched protocols')
      return
    }
    this.#status = status
    const connection = String(headers['connection'] ?? '').toLowerCase()
    this.#keepAlive = m[1] === '1' && !/(^|,)\s*close\s*(,|$)/.test(connection)
    const codings = this.#frame(headers)
    this.#events.head(status, headers, codings)
    if (this.#state === 'done') this.#events.end()
  }

  /** One header or trailer line as its lower-cased name and trimmed value. */
  #field(line: string): [string, string] {
    if (line.startsWith(' ') || line.startsWith('\t')) throw this.#malformed('obsolete line folding in a header')
    const colon = line.indexOf(':')
    const name = colon > 0 ? line.slice(0, colon) : ''
    if (!TOKEN.test(name)) throw this.#malformed(`bad header line ${JSON.stringify(line.slice(0, 80))}`)
    const value = line.slice(colon + 1).trim()
    if (!FIELD_VALUE.test(value)) throw this.#malformed(`bad characters in the ${name} header`)
    return [name.toLowerCase(), value]
  }

  /** Decide how the body is framed; returns the transfer codings to undo beneath the chunking. */
  #frame(headers: ResponseHeaders): TransferCoding[] {
    if (this.#noBody || this.#status === 204 || this.#status === 304) {
      this.#state = 'done'
      return []
    }
    const te = headers['transfer-encoding']
    if (te !== undefined) {
      // Either header could be the one a proxy on the way believed: a length in doubt is no length at all.
      if (headers['content-length'] !== undefined) {
        throw this.#malformed('both Transfer-Encoding and Content-Length')
      }
      const names = (Array.isArray(te) ? te.join(',') : te)
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter((s) => s !== '')
      const chunked = names.at(-1) === 'chunked'
      if (names.length === 0 || names.indexOf('chunked') !== (chunked ? names.length - 1 : -1)) {
        throw this.#malformed(`bad Transfer-Encoding ${JSON.stringify(String(te).slice(0, 60))}`)
      }
      const codings: TransferCoding[] = []
      for (const name of chunked ? names.slice(0, -1) : names) {
        const coding = CODINGS[name]
        if (coding === undefined) {
          this.#state = 'done'
          throw new PinpointError(
            'PROTOCOL_ERROR',
            `${this.#host}: the server used the transfer coding "${name.slice(0, 40)}", which Pinpoint cannot decode`,
            { host: this.#host },
          )
        }
        if (coding !== null) codings.push(coding)
      }
      // Without chunked last, the body runs until the server closes (RFC 9112 section 6.3, rule 4).
      this.#state = chunked ? 'chunk-size' : 'close'
      return codings
    }
    const cl = headers['content-length']
    if (cl === undefined) {
      this.#state = 'close'
      return []
    }
    // "Content-Length: 5, 5" and repeated equal headers are one length (RFC 9110 §8.6); anything else is not.
    const values = new Set((Array.isArray(cl) ? cl.join(',') : cl).split(',').map((s) => s.trim()))
    const [only] = values
    if (values.size !== 1 || only === undefined || !/^\d{1,16}$/.test(only) || Number(only) > MAX_LENGTH) {
      throw this.#malformed(`bad Content-Length ${JSON.stringify(String(cl).slice(0, 40))}`)
    }
    this.#left = Number(only)
    this.#state = this.#left === 0 ? 'done' : 'length'
    return []
  }

  #onChunkSize(line: string): void {
    const m = CHUNK_SIZE.exec(line)
    if (!m) throw this.#malformed(`bad chunk size ${JSON.stringify(line.slice(0, 40))}`)
    this.#left = parseInt(m[1] as string, 16)
    if (this.#left > 0) {
      this.#state = 'chunk-data'
      return
    }
    this.#state = 'trailers'
    this.#events.trailers?.()
  }

  #finish(): void {
    this.#state = 'done'
    this.#events.end()
  }

  #malformed(why: string): PinpointError {
    this.#state = 'done'
    return new PinpointError('PROTOCOL_ERROR', `${this.#host}: malformed response (${why})`, { host: this.#host })
  }
}
