import type { Socket } from 'node:net'
import { Client, type Dispatcher } from 'undici'

import type { ConnectionInfo } from './connection-info.ts'
import type { Transport } from './transport.ts'
import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'
import { codeForNodeError } from './node-errors.ts'

export interface HttpRequest {
  url: URL
  method?: 'GET' | 'HEAD'
  headers?: Record<string, string>
  signal?: AbortSignal
  /** No body byte for this long: the connection is stalled. */
  idleTimeoutMs?: number
}

export interface HttpResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: ResponseBody
  connection: ConnectionInfo
  /** Release the connection; safe to call more than once. */
  close(): Promise<void>
}

/** Where a body goes, chunk by chunk, as the parser produces it. */
export interface BodySink {
  /**
   * One piece of the body, called synchronously from the parser. The buffer is not reused, so it may be kept.
   * Return false to stop the flow until `ResponseBody.resume()`.
   */
  data(chunk: Buffer): boolean
  end(): void
  /** The body was cut short: a socket error, a timeout, a length mismatch, or the request's signal. */
  error(err: unknown): void
}

export interface ResponseBody {
  /** Start delivering the body to `sink`; once per response. Until then nothing is read past the headers. */
  read(sink: BodySink): void
  /** Let the body flow again after `sink.data` returned false. Never from inside `sink.data`. */
  resume(): void
  /** The whole body in memory, for small answers. */
  toArray(): Promise<Buffer[]>
  /** Read the rest of the body and throw it away. */
  dump(): Promise<void>
}

/**
 * One HTTP/1.1 request on its own connection from the transport.
 *
 * Each request gets a fresh undici Client whose only way to connect is our connector, so the request bytes are
 * written only after the transport has picked the address, finished TLS and checked the pins. ALPN offers only
 * http/1.1 and `allowH2` is off, so N range requests stay N TCP connections. `Host` is the logical name (the SNI
 * override for an IP-literal URL), and `Accept-Encoding: identity` keeps offsets counting the bytes on disk.
 *
 * The body is not a stream: undici hands each parsed piece straight to the reader's sink (see `ResponseHandler`),
 * which saves a stream push, an event and a tick per piece on the download hot path.
 */
export async function httpRequest(transport: Transport, req: HttpRequest): Promise<HttpResponse> {
  const target = transport.target(req.url)
  let info: ConnectionInfo | undefined
  const client = new Client(req.url.origin, {
    allowH2: false,
    pipelining: 1,
    headersTimeout: req.idleTimeoutMs ?? 30_000,
    bodyTimeout: req.idleTimeoutMs ?? 30_000,
    connect: (_opts, callback) => {
      transport.connect(req.url, req.signal).then(
        (conn) => {
          info = conn.info
          callback(null, conn.socket as Socket)
        },
        (err: Error) => callback(err, null),
      )
    },
  })
  const close = async () => {
    await client.destroy().catch(() => {})
  }
  try {
    req.signal?.throwIfAborted()
    const handler = new ResponseHandler(req.signal)
    client.dispatch(
      {
        path: `${req.url.pathname}${req.url.search}`,
        method: req.method ?? 'GET',
        headers: {
          host: target.hostHeader,
          'accept-encoding': 'identity',
          'user-agent': 'pinpoint/0.1',
          ...req.headers,
        },
      },
      handler,
    )
    const { status, headers } = await handler.started
    if (!info) throw new Error('response without a connection')
    return { status, headers, body: handler, connection: info, close }
  } catch (err) {
    await close()
    throw asPinpointError(err, target.host)
  }
}

/**
 * undici's dispatch handler for one request, and the response body its caller reads.
 *
 * The flow stops at the headers (`controller.pause()`), so a body nobody reads yet stays in the socket and TCP
 * holds the server back. `read()` attaches a sink; each parsed piece goes to it synchronously, and a sink that
 * returns false pauses the parser until `resume()`. Pieces that still arrive while paused (undici drains what
 * the socket holds when the peer closes) wait in `#queue` and go first on resume; the end waits behind them.
 * An error ends delivery at once, as a destroyed stream would: pieces still queued are dropped.
 */
class ResponseHandler implements Dispatcher.DispatchHandler, ResponseBody {
  readonly started: Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>
  #resolveStart!: (head: { status: number; headers: Record<string, string | string[] | undefined> }) => void
  #rejectStart!: (err: unknown) => void
  #controller: Dispatcher.DispatchController | undefined
  #signal: AbortSignal | undefined
  #responded = false
  #sink: BodySink | undefined
  #paused = true
  #queue: Buffer[] = []
  #ended = false
  #failure: { err: unknown } | undefined
  #done = false

  constructor(signal: AbortSignal | undefined) {
    this.started = new Promise((resolve, reject) => {
      this.#resolveStart = resolve
      this.#rejectStart = reject
    })
    this.#signal = signal
    signal?.addEventListener('abort', this.#onAbort, { once: true })
  }

  // ---- undici's side ----

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller
    if (this.#failure) controller.abort(this.#failure.err as Error)
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return
    this.#responded = true
    controller.pause()
    this.#resolveStart({ status: statusCode, headers })
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const sink = this.#sink
    if (!sink || this.#paused) {
      this.#queue.push(chunk)
      controller.pause()
    } else if (sink.data(chunk) === false) {
      this.#paused = true
      controller.pause()
    }
  }

  onResponseEnd(): void {
    this.#ended = true
    if (this.#sink && !this.#paused) this.#finish()
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.#fail(err)
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
    // May deliver more pieces synchronously, before it returns.
    this.#controller?.resume()
  }

  toArray(): Promise<Buffer[]> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = []
      this.read({
        data: (chunk) => chunks.push(chunk) > 0,
        end: () => resolve(chunks),
        error: reject,
      })
    })
  }

  async dump(): Promise<void> {
    await this.toArray()
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
    if (!this.#responded) return this.#rejectStart(err)
    if (this.#sink) {
      this.#done = true
      this.#sink.error(err)
    }
  }

  #detach(): void {
    this.#signal?.removeEventListener('abort', this.#onAbort)
  }

  /** As undici's request() does: the signal's reason is the error, and the request stops with it. */
  readonly #onAbort = () => {
    const reason: unknown = this.#signal?.reason
    this.#fail(reason)
    this.#controller?.abort(reason as Error)
  }
}

/** undici's own errors as our codes; transport errors pass through untouched. */
export function asPinpointError(err: unknown, host: string): unknown {
  if (isPinpointError(err)) return err
  const e = err as { code?: string; message?: string; cause?: { code?: string } }
  switch (e.code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return new PinpointError('IDLE_TIMEOUT', `${host}: the server stopped sending`, { host, cause: e.code })
    case 'UND_ERR_SOCKET':
      return new PinpointError('CONNECTION_RESET', `${host}: connection closed early (${e.message})`, {
        host,
        cause: e.code,
      })
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_HEADER_OVERFLOW':
    case 'UND_ERR_HEADERS_OVERFLOW':
    case 'UND_ERR_INFO':
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return new PinpointError('PROTOCOL_ERROR', `${host}: malformed response (${e.message})`, { host, cause: e.code })
  }
  const code = codeForNodeError(e.code ?? e.cause?.code)
  if (code) return new PinpointError(code, `${host}: ${e.message}`, { host, cause: e.code })
  return err
}
