import type { Socket } from 'node:net'
import type { Gunzip, Inflate } from 'node:zlib'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import type { BodySink, HttpRequest, ResponseBody } from './http-request.ts'
import { Http1Parser, type ResponseHeaders, type TransferCoding } from './http1-parser.ts'
import { codeForNodeError } from './node-errors.ts'
import type { Connection } from './transport.ts'

/**
 * One request and its response on one connection, and the response body its caller reads.
 *
 * Reading stops at the headers until `read()` attaches a sink, so a body nobody reads yet stays in the socket
 * and TCP holds the server back. A sink that returns false stops the flow until `resume()`. Node may still
 * deliver records it had already decrypted after the socket is told to stop, and the read buffer is reused, so
 * whatever arrives while stopped is copied into `#queue` and goes first on resume; the end waits behind it.
 * An error ends delivery at once, as a destroyed stream would: pieces still queued are dropped.
 *
 * Nothing here can wait without a bound: the head is read whatever its segmentation and must be complete
 * within `headTimeoutMs` of the request (1xx responses included), a trailer section likewise from its start,
 * and the idle timeout runs whenever we wait for the server, re-armed when a reader that stopped the flow
 * lets it go again. Every way out settles `started` and the reader's sink.
 */
export class Exchange implements ResponseBody {
  readonly started: Promise<{ status: number; headers: ResponseHeaders }>
  #resolveStart!: (head: { status: number; headers: ResponseHeaders }) => void
  #rejectStart!: (err: unknown) => void
  readonly #socket: Connection['socket']
  readonly #parser: Http1Parser
  readonly #signal: AbortSignal | undefined
  readonly #host: string
  #responded = false
  #sink: BodySink | undefined
  /** The reader's side: no sink yet, or the sink asked to stop. */
  #paused = true
  /** The socket's side: told to stop reading. */
  #socketStopped = false
  #queue: Buffer[] = []
  #ended = false
  #failure: { err: unknown } | undefined
  #done = false
  #closed = false
  /** Bytes came after the response: the connection is out of step and must not carry another request. */
  #trailing = false
  readonly #release: () => void
  readonly #onSocketError: (err: NodeJS.ErrnoException) => void
  readonly #onSocketClose = () => this.#onClose()
  readonly #onIdle: () => void
  readonly #idleMs: number
  readonly #headTimeoutMs: number
  /** The head's (then a trailer section's) time budget. */
  #sectionTimer: NodeJS.Timeout | undefined
  /** Undoes the transfer codings under the chunking (gzip, deflate): the first stage is written, the last read. */
  #decoders: Array<Gunzip | Inflate> = []
  /** Any byte arrived on this connection for this request. */
  heardFrom = false

  constructor(conn: Connection, req: HttpRequest, opts: ExchangeOptions) {
    const { method, host, release } = opts
    this.started = new Promise((resolve, reject) => {
      this.#resolveStart = resolve
      this.#rejectStart = reject
    })
    // Settled by whoever awaits it; a failure before anyone does must not be an unhandled rejection.
    this.started.catch(() => {})
    this.#socket = conn.socket
    this.#host = host
    this.#release = release
    this.#signal = req.signal
    this.#idleMs = req.idleTimeoutMs ?? 30_000
    this.#headTimeoutMs = opts.headTimeoutMs
    this.#parser = new Http1Parser(
      {
        head: (status, headers, codings) => {
          this.#responded = true
          this.#stopSectionTimer()
          if (codings.length > 0) this.#decode(codings)
          this.#resolveStart({ status, headers })
        },
        body: (buf, start, end) => {
          const first = this.#decoders[0]
          // Copied for the decoder, which reads its input later; the read buffer will have moved on.
          if (first) first.write(Buffer.from(buf.subarray(start, end)))
          else this.#onBody(buf, start, end)
        },
        end: () => {
          this.#stopSectionTimer()
          const first = this.#decoders[0]
          if (first) first.end()
          else this.#onEnd()
        },
        trailers: () => this.#startSectionTimer('trailer section'),
      },
      { host, method },
    )
    conn.relay.attach((buf, n) => this.#onRead(buf, n))
    const socket = conn.socket as Socket
    // `on`, not `once`: a destroyed socket can emit a second error, which must not go unhandled.
    this.#onSocketError = (err) => this.#fail(socketError(err, host))
    socket.on('error', this.#onSocketError)
    socket.on('end', this.#onSocketClose)
    socket.on('close', this.#onSocketClose)
    // Only while we want bytes: a reader that stopped the flow (a slow disk) has not been kept waiting.
    this.#onIdle = () => {
      if (this.#socketStopped || this.#done) return
      this.#fail(new PinpointError('IDLE_TIMEOUT', `${host}: the server stopped sending`, { host }))
    }
    socket.setTimeout(this.#idleMs)
    socket.on('timeout', this.#onIdle)
    this.#signal?.addEventListener('abort', this.#onAbort, { once: true })
    this.#startSectionTimer('response head')
  }

  #startSectionTimer(what: string): void {
    this.#stopSectionTimer()
    const host = this.#host
    const ms = this.#headTimeoutMs
    this.#sectionTimer = setTimeout(() => {
      this.#fail(new PinpointError('IDLE_TIMEOUT', `${host}: the ${what} did not complete within ${ms} ms`, { host }))
    }, ms)
  }

  #stopSectionTimer(): void {
    if (this.#sectionTimer) clearTimeout(this.#sectionTimer)
    this.#sectionTimer = undefined
  }

  /**
   * Undo transfer codings, last applied first. They are hop-by-hop (RFC 9112 section 7): the bytes beneath are
   * the resource, so they are what lands in the file and what ranges count. A reader that stops the flow
   * pauses the output, so a small compressed input cannot grow into an unbounded queue.
   */
  #decode(codings: readonly TransferCoding[]): void {
    // Loaded on first use: few servers use a transfer coding, and node:zlib costs every command's start.
    const { createGunzip, createInflate } = process.getBuiltinModule('node:zlib')
    this.#decoders = codings.toReversed().map((c) => (c === 'gzip' ? createGunzip() : createInflate()))
    this.#decoders.forEach((stage, k) => {
      const coding = codings[codings.length - 1 - k] as TransferCoding
      stage.on('error', (err: Error) => {
        const host = this.#host
        const why = `the ${coding} transfer coding does not decode: ${err.message}`
        this.#fail(new PinpointError('PROTOCOL_ERROR', `${host}: malformed response (${why})`, { host }))
      })
      const next = this.#decoders[k + 1]
      if (next) stage.pipe(next)
    })
    const last = this.#decoders.at(-1) as Gunzip | Inflate
    last.on('data', (chunk: Buffer) => {
      this.#onBody(chunk, 0, chunk.length)
      if (this.#paused) last.pause()
    })
    last.on('end', () => this.#onEnd())
  }

  // ---- the socket's side ----

  #onRead(buf: Buffer, n: number): boolean {
    this.heardFrom = true
    if (this.#failure || this.#done) {
      this.#trailing = true
      return false
    }
    try {
      this.#parser.feed(buf, 0, n)
    } catch (err) {
      this.#fail(err)
      return false
    }
    // Until the head is complete nobody can have asked to stop: read on, or a head in pieces would wait forever.
    if ((this.#paused && this.#responded) || this.#parser.done) {
      this.#socketStopped = true
      return false
    }
    return true
  }

  #onBody(buf: Buffer, start: number, end: number): void {
    if (!this.#paused && this.#queue.length === 0) {
      if ((this.#sink as BodySink).data(buf.subarray(start, end)) === false) this.#paused = true
    } else {
      this.#queue.push(Buffer.from(buf.subarray(start, end)))
    }
  }

  #onEnd(): void {
    this.#ended = true
    // A reader that stopped the flow after the last piece (it had all it wanted) still hears of the end, and
    // the connection is then free for the next request.
    if (this.#queue.length === 0) this.#finish()
  }

  #onClose(): void {
    if (this.#closed || this.#done || this.#failure) return
    try {
      this.#parser.close()
    } catch (err) {
      this.#fail(err)
    }
  }

  // ---- the reader's side ----

  read(sink: BodySink): void {
    if (this.#sink) throw new Error('the response body is already being read')
    this.#sink = sink
    if (this.#failure) {
      this.#done = true
      sink.error(this.#failure.err)
      return
    }
    // An empty body (204, 304, Content-Length: 0) has ended before anyone asked to read it.
    if (this.#done) return sink.end()
    this.resume()
  }

  resume(): void {
    const sink = this.#sink
    if (!sink || !this.#paused || this.#done) return
    this.#paused = false
    while (this.#queue.length > 0) {
      const chunk = this.#queue.shift() as Buffer
      if (sink.data(chunk) === false) {
        this.#paused = true
        return
      }
      if (this.#done) return
    }
    if (this.#ended) return this.#finish()
    this.#decoders.at(-1)?.resume()
    if (this.#socketStopped && !this.#parser.done) {
      this.#socketStopped = false
      // The timer may have fired, and been let pass, while we held the flow; it fires once, so arm it again.
      ;(this.#socket as Socket).setTimeout(this.#idleMs)
      // May deliver more pieces synchronously, before it returns.
      this.#socket.resume()
    }
  }

  toArray(): Promise<Buffer[]> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = []
      this.read({
        // Copied: pieces are views of the socket's reused read buffer.
        data: (chunk) => chunks.push(Buffer.from(chunk)) > 0,
        end: () => resolve(chunks),
        error: reject,
      })
    })
  }

  async dump(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.read({ data: () => true, end: resolve, error: reject }))
  }

  /**
   * Done with the response. A connection whose response ended by its own framing, with nothing after it, goes
   * back to the transport for the next request to the same place; any other is closed.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#detach()
    const socket = this.#socket as Socket
    socket.off('error', this.#onSocketError)
    socket.off('end', this.#onSocketClose)
    socket.off('close', this.#onSocketClose)
    socket.off('timeout', this.#onIdle)
    socket.setTimeout(0)
    if (this.#done && !this.#failure && !this.#trailing && this.#parser.reusable && !socket.destroyed) {
      return this.#release()
    }
    if (!this.#done && !this.#failure) {
      this.#failure = { err: new PinpointError('CONNECT_FAILED', `${this.#host}: request closed`) }
      if (!this.#responded) this.#rejectStart(this.#failure.err)
    }
    // Errors after this are of no interest, but an 'error' with no listener would be thrown.
    socket.on('error', () => {})
    socket.destroy()
  }

  // ---- both ----

  #finish(): void {
    if (this.#done) return
    this.#done = true
    this.#detach()
    this.#sink?.end()
  }

  #fail(err: unknown): void {
    if (this.#done || this.#failure) return
    this.#failure = { err }
    this.#queue = []
    this.#detach()
    for (const stage of this.#decoders) stage.destroy()
    this.#socket.destroy()
    if (!this.#responded) return this.#rejectStart(err)
    if (this.#sink) {
      this.#done = true
      this.#sink.error(err)
    }
  }

  #detach(): void {
    this.#stopSectionTimer()
    this.#signal?.removeEventListener('abort', this.#onAbort)
  }

  /** As a fetch would: the signal's reason is the error, and the connection stops with it. */
  readonly #onAbort = () => this.#fail(this.#signal?.reason)
}

export interface ExchangeOptions {
  method: string
  /** The logical host name, for messages. */
  host: string
  /** How long the response head (1xx responses included), and then a trailer section, may take in all. */
  headTimeoutMs: number
  /** Hand the connection back for reuse. */
  release: () => void
}

function socketError(err: NodeJS.ErrnoException, host: string): PinpointError {
  const code = codeForNodeError(err.code) ?? 'CONNECTION_RESET'
  const what = code === 'CONNECTION_RESET' ? `connection closed early (${err.message})` : err.message
  return new PinpointError(code, `${host}: ${what}`, { host, ...(err.code ? { cause: err.code } : {}) })
}
