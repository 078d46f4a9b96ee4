import { PinpointError } from '../../shared/pinpoint-error.ts'

export type ResponseHeaders = Record<string, string | string[] | undefined>

export interface ParserEvents {
  /** The final (non-1xx) status line and headers; 1xx interim responses are skipped. */
  head(status: number, headers: ResponseHeaders): void
  /** A piece of the body: `buf[start, end)`, valid only during the call. */
  body(buf: Buffer, start: number, end: number): void
  /** The body is complete by its framing; bytes after it are ignored (the connection is not reused). */
  end(): void
}

/**
 * Limits that keep a hostile server from making us buffer without end. The head's is Node's own default
 * (`--max-http-header-size`, 16 KiB), as test-matrix A15 asks.
 */
const MAX_HEAD = 16 * 1024
const MAX_CHUNK_LINE = 1024
/** 2^53: a Content-Length or chunk size past this cannot be counted exactly in a JS number. */
const MAX_LENGTH = Number.MAX_SAFE_INTEGER

const CR = 13
const LF = 10
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-data-end' | 'trailers' | 'close' | 'done'

/**
 * An incremental HTTP/1.1 response parser (RFC 9112) for one response on one connection, fed whatever the
 * socket delivers, split anywhere.
 *
 * The body's framing follows RFC 9112 §6.3: no body for HEAD, 1xx, 204 and 304; chunked when it is the final
 * transfer coding; else Content-Length; else until the connection closes. Transfer-Encoding overrides
 * Content-Length; conflicting Content-Lengths, obsolete line folding, malformed lines and oversized heads are
 * refused as PROTOCOL_ERROR, since a download whose length is in doubt cannot be trusted to land at the right
 * offsets. Body bytes are handed over as views of the input, never copied here.
 */
export class Http1Parser {
  readonly #events: ParserEvents
  readonly #host: string
  readonly #noBody: boolean
  #state: State = 'head'
  /** Head bytes (or a partial chunk-size or trailer line) carried over from earlier input. */
  #pending: Buffer | undefined
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

  /** Collect the head up to its empty line, across inputs. Returns where the head ended. */
  #head(buf: Buffer, i: number, end: number): number {
    const carried = this.#pending?.length ?? 0
    const data = this.#pending ? Buffer.concat([this.#pending, buf.subarray(i, end)]) : buf.subarray(i, end)
    // A CRLF CRLF split across inputs is found because the carried bytes are searched again.
    const at = data.indexOf('\r\n\r\n')
    if (at === -1 || at + 4 > MAX_HEAD) {
      if (data.length > MAX_HEAD) throw this.#malformed('the response head is too large')
      // Copied: the input is the socket's reused read buffer.
      this.#pending = Buffer.from(data)
      return end
    }
    this.#pending = undefined
    this.#onHead(data.toString('latin1', 0, at + 4))
    return i + at + 4 - carried
  }

  /** Collect one CRLF-terminated line (a chunk size, a chunk's end, a trailer) across inputs, then act on it. */
  #line(buf: Buffer, i: number, end: number): number {
    const lf = buf.indexOf(LF, i)
    const stop = lf === -1 || lf >= end ? end : lf + 1
    const piece = buf.subarray(i, stop)
    const line = this.#pending ? Buffer.concat([this.#pending, piece]) : piece
    const limit = this.#state === 'trailers' ? MAX_HEAD : MAX_CHUNK_LINE
    if (line.length > limit) throw this.#malformed('a chunk or trailer line is too long')
    if (stop === end && (lf === -1 || lf >= end)) {
      this.#pending = Buffer.from(line)
      return end
    }
    this.#pending = undefined
    const text = stripEol(line)
    if (this.#state === 'chunk-size') this.#onChunkSize(text)
    else if (this.#state === 'chunk-data-end') {
      if (text.length !== 0) throw this.#malformed('chunk data longer than its size')
      this.#state = 'chunk-size'
    } else if (text.length === 0) this.#finish()
    // Any other trailer line is read and ignored: no trailer changes how the bytes are placed.
    return stop
  }

  #onHead(text: string): void {
    const lines = text.split('\r\n')
    // The split leaves two empty strings after the final CRLF CRLF.
    lines.length -= 2
    const m = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/.exec(lines[0] ?? '')
    if (!m) throw this.#malformed(`bad status line ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`)
    const status = Number(m[2])
    const headers: ResponseHeaders = {}
    for (let k = 1; k < lines.length; k++) {
      const line = lines[k] as string
      if (line.startsWith(' ') || line.startsWith('\t')) throw this.#malformed('obsolete line folding in a header')
      const colon = line.indexOf(':')
      const name = colon > 0 ? line.slice(0, colon) : ''
      if (!TOKEN.test(name)) throw this.#malformed(`bad header line ${JSON.stringify(line.slice(0, 80))}`)
      const value = line.slice(colon + 1).trim()
      if (!FIELD_VALUE.test(value)) throw this.#malformed(`bad characters in the ${name} header`)
      const key = name.toLowerCase()
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
    this.#frame(headers)
    this.#events.head(status, headers)
    if (this.#state === 'done') this.#events.end()
  }

  #frame(headers: ResponseHeaders): void {
    if (this.#noBody || this.#status === 204 || this.#status === 304) {
      this.#state = 'done'
      return
    }
    const te = headers['transfer-encoding']
    if (te !== undefined) {
      const codings = (Array.isArray(te) ? te.join(',') : te).split(',').map((s) => s.trim().toLowerCase())
      this.#state = codings.at(-1) === 'chunked' ? 'chunk-size' : 'close'
      // With both headers, the message was framed in a way some hop may have read differently: do not reuse.
      if (headers['content-length'] !== undefined) this.#keepAlive = false
      return
    }
    const cl = headers['content-length']
    if (cl === undefined) {
      this.#state = 'close'
      return
    }
    // "Content-Length: 5, 5" and repeated equal headers are one length (RFC 9110 §8.6); anything else is not.
    const values = new Set((Array.isArray(cl) ? cl.join(',') : cl).split(',').map((s) => s.trim()))
    const [only] = values
    if (values.size !== 1 || only === undefined || !/^\d{1,16}$/.test(only) || Number(only) > MAX_LENGTH) {
      throw this.#malformed(`bad Content-Length ${JSON.stringify(String(cl).slice(0, 40))}`)
    }
    this.#left = Number(only)
    this.#state = this.#left === 0 ? 'done' : 'length'
  }

  #onChunkSize(line: string): void {
    const size = line.split(';', 1)[0]?.trim() ?? ''
    if (!/^[0-9A-Fa-f]{1,13}$/.test(size)) throw this.#malformed(`bad chunk size ${JSON.stringify(line.slice(0, 40))}`)
    this.#left = parseInt(size, 16)
    this.#state = this.#left === 0 ? 'trailers' : 'chunk-data'
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

function stripEol(line: Buffer): string {
  let end = line.length
  if (end > 0 && line[end - 1] === LF) end--
  if (end > 0 && line[end - 1] === CR) end--
  return line.toString('latin1', 0, end)
}
