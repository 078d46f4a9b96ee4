import type { ConnectionInfo } from './connection-info.ts'
import { Exchange } from './http-exchange.ts'
import type { ResponseHeaders } from './http1-parser.ts'
import type { Transport } from './transport.ts'
import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'
import { codeForNodeError } from './node-errors.ts'
import { authError } from './proxy-tunnel.ts'

export interface HttpRequest {
  url: URL
  method?: 'GET' | 'HEAD' | 'POST'
  headers?: Record<string, string>
  /** Default headers (User-Agent, …) to leave out, lower-case; the Host header is always sent. */
  omit?: readonly string[]
  /** A small request body, sent with its Content-Length (a DoH question over HTTP/1.1). */
  body?: Buffer
  signal?: AbortSignal
  /** No body byte for this long: the connection is stalled. */
  idleTimeoutMs?: number
}

export interface HttpResponse {
  status: number
  headers: ResponseHeaders
  body: ResponseBody
  connection: ConnectionInfo
  /** Release the connection; safe to call more than once. */
  close(): Promise<void>
}

/** Where a body goes, chunk by chunk, as the parser produces it. */
export interface BodySink {
  /**
   * One piece of the body, called synchronously from the parser. It is a view of the socket's reused read
   * buffer, valid only during the call: copy what must be kept. Return false to stop the flow until
   * `ResponseBody.resume()`.
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
 * The request bytes are written only after the transport has picked the address, finished TLS and checked the
 * pins. ALPN offers only http/1.1, so N range requests stay N TCP connections. `Host` is the logical name (the
 * SNI override for an IP-literal URL), and `Accept-Encoding: identity` keeps offsets counting the bytes on disk.
 *
 * The response is parsed here (see Http1Parser) straight from the socket's reused read buffer, and the body
 * is not a stream: each piece goes to the reader's sink as it is decrypted. That saves, per 16 KiB TLS record,
 * a buffer allocation, a stream push, an event and a tick; on two cores that is what decides the throughput.
 */
export async function httpRequest(transport: Transport, req: HttpRequest): Promise<HttpResponse> {
  const target = transport.target(req.url)
  const method = req.method ?? 'GET'
  const path = `${req.url.pathname}${req.url.search}`
  // The URL parser percent-encodes spaces and controls; this is the line of defence for the request line.
  if (!/^[\x21-\x7e]+$/.test(path)) throw new PinpointError('BAD_URL', `cannot request ${JSON.stringify(path)}`)
  const headers: Record<string, string> = {
    host: target.hostHeader,
    'accept-encoding': 'identity',
    'user-agent': 'pinpoint/0.1',
    ...req.headers,
    ...(req.body ? { 'content-length': String(req.body.length) } : {}),
  }
  for (const name of req.omit ?? []) if (name !== 'host') delete headers[name]
  let fields = ''
  for (const [name, value] of Object.entries(headers)) {
    if (/[\r\n\0]/.test(value)) throw new PinpointError('BAD_URL', `the ${name} header cannot carry a line break`)
    fields += `${name}: ${value}\r\n`
  }
  for (let fresh = false; ; fresh = true) {
    req.signal?.throwIfAborted()
    const conn = await transport.connect(req.url, req.signal, { fresh })
    // To an HTTP proxy an http:// request names its whole URL (RFC 9112 §3.2.2), with the proxy's credentials.
    const head = conn.forward
      ? `${method} ${conn.forward.origin}${path} HTTP/1.1\r\n${fields}${
          conn.forward.authorization ? `proxy-authorization: ${conn.forward.authorization}\r\n` : ''
        }\r\n`
      : `${method} ${path} HTTP/1.1\r\n${fields}\r\n`
    const exchange = new Exchange(conn, req, {
      method,
      host: target.host,
      headTimeoutMs: transport.headTimeoutMs,
      release: () => transport.release(conn),
    })
    try {
      conn.socket.write(req.body ? Buffer.concat([Buffer.from(head), req.body]) : head)
      const { status, headers: resHeaders } = await exchange.started
      if (status === 407 && conn.forward) {
        const offered = resHeaders['proxy-authenticate']
        const challenges = offered === undefined ? [] : Array.isArray(offered) ? offered : [offered]
        throw authError(
          conn.forward.proxy,
          'HTTP/1.1 407',
          challenges.map((c) => c.trim().split(/\s/)[0] ?? ''),
        )
      }
      return { status, headers: resHeaders, body: exchange, connection: conn.info, close: () => exchange.close() }
    } catch (err) {
      await exchange.close()
      // A kept-alive connection the server closed as we picked it answers nothing at all; a GET may be sent
      // again, once, on a new connection (RFC 9112 §9.3.1). Any answer at all is the server's and stands.
      if (conn.reused && method !== 'POST' && !exchange.heardFrom && !req.signal?.aborted) continue
      throw asPinpointError(err, target.host)
    }
  }
}

/** A Node error (a file or socket failure surfacing here) as our code; our own errors pass through untouched. */
export function asPinpointError(err: unknown, host: string): unknown {
  if (isPinpointError(err)) return err
  const e = err as { code?: string; message?: string; cause?: { code?: string } }
  const code = codeForNodeError(e.code ?? e.cause?.code)
  if (code) return new PinpointError(code, `${host}: ${e.message}`, { host, cause: e.code })
  return err
}
