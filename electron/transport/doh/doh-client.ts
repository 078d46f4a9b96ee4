import type http2 from 'node:http2'

import { isPinpointError, PinpointError } from '../../../shared/pinpoint-error.ts'
import { redactUrl } from '../../../shared/redact-url.ts'
import { httpRequest } from '../http-request.ts'
import { readBody } from '../read-body.ts'
import type { Transport } from '../transport.ts'
import { decodeAnswer, encodeQuery, type AddressType, type DnsAnswer } from './dns-message.ts'

export interface DohClientOptions {
  transport: Transport
  /** The server's endpoint, e.g. `https://dns.example/dns-query` (curl's `--doh-url`). */
  url: URL
  /** GET (cacheable; the default) or POST, as RFC 8484 §4.1 allows either. */
  method?: 'GET' | 'POST'
  /** For one question, from the first connection attempt to the last byte of the answer. */
  timeoutMs?: number
}

export interface DohClient {
  /** The endpoint, as errors and logs name it. */
  readonly server: string
  query(name: string, type: AddressType, signal?: AbortSignal): Promise<DnsAnswer>
  close(): void
}

/** The largest DNS message there is (its length field is 16 bits); anything longer is not an answer. */
const MAX_ANSWER = 65_535
const DEFAULT_TIMEOUT_MS = 5_000
/** An HTTP/2 session with no question in flight is closed after this long. */
const SESSION_IDLE_MS = 30_000
const CONTENT_TYPE = 'application/dns-message'
/** RFC 9113 section 7's CANCEL, as http2.constants.NGHTTP2_CANCEL names it. */
const NGHTTP2_CANCEL = 0x8

/** Failures that mean the DoH server could not be reached at all; only these may fall back to the system. */
const UNREACHABLE = new Set(['CONNECT_REFUSED', 'CONNECT_TIMEOUT', 'CONNECT_FAILED', 'CONNECTION_RESET', 'TIMEOUT'])

/** True when `err` says the DoH server was unreachable, as opposed to reached and answering wrongly or untrusted. */
export function isUnreachable(err: unknown): boolean {
  return isPinpointError(err) && err.code === 'DNS_FAILED' && UNREACHABLE.has(String(err.context.cause))
}

/**
 * A DNS-over-HTTPS client (RFC 8484) whose connections come from our own transport: the DoH server is reached
 * under host rules like any host (an address instead of DNS, an SNI, pins, an extra CA), so it can be an IP
 * address presenting a name, and a MITM with a "trusted" certificate still fails its pin.
 *
 * HTTP/2 is offered first and kept open for the next questions (some servers, Unbound's among them, speak only
 * HTTP/2); where the server's ALPN picks HTTP/1.1, each question is one request of our own HTTP/1.1 client.
 */
export function createDohClient(opts: DohClientOptions): DohClient {
  if (opts.url.protocol !== 'https:') {
    throw new PinpointError('BAD_URL', `a DoH URL must be https: (got ${opts.url.protocol.replace(/:$/, '')})`)
  }
  // What messages and connection records show of the endpoint: a DoH URL may carry an account token.
  const server = redactUrl(opts.url)
  const method = opts.method ?? 'GET'
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
  let session: Promise<http2.ClientHttp2Session | undefined> | undefined
  let idleTimer: NodeJS.Timeout | undefined
  let inFlight = 0

  const fail = (cause: string, what: string) => new PinpointError('DNS_FAILED', `DoH ${server}: ${what}`, { cause })

  /** The open HTTP/2 session, or undefined when the server chose HTTP/1.1. */
  function open(signal: AbortSignal): Promise<http2.ClientHttp2Session | undefined> {
    session ??= (async () => {
      const conn = await opts.transport.connect(opts.url, signal, { fresh: true, alpn: ['h2', 'http/1.1'] })
      if (conn.info.alpn !== 'h2') {
        conn.socket.destroy()
        return undefined
      }
      // Loaded here, not at the top: node:http2 costs about 20 ms of every command's start, and only DoH uses it.
      const { connect } = await import('node:http2')
      const s = connect(opts.url.origin, { createConnection: () => conn.socket })
      const forget = () => {
        if (session === current) session = undefined
      }
      s.on('error', forget)
      s.on('close', forget)
      s.on('goaway', forget)
      return s
    })()
    const current = session
    current.catch(() => {
      if (session === current) session = undefined
    })
    return current
  }

  async function ask(name: string, type: AddressType, signal: AbortSignal): Promise<Buffer> {
    const query = encodeQuery(name, type)
    const path = `${opts.url.pathname}${opts.url.search}`
    const s = await open(signal)
    if (!s) return askHttp1(query, signal)
    // An idle session must not keep the process alive, but one with a question in flight must.
    s.ref()
    const headers: http2.OutgoingHttpHeaders =
      method === 'GET'
        ? { ':method': 'GET', ':path': `${path}${path.includes('?') ? '&' : '?'}dns=${query.toString('base64url')}` }
        : { ':method': 'POST', ':path': path, 'content-type': CONTENT_TYPE, 'content-length': query.length }
    headers['accept'] = CONTENT_TYPE
    return new Promise<Buffer>((resolve, reject) => {
      const req = s.request(headers, { endStream: method === 'GET' })
      const chunks: Buffer[] = []
      let size = 0
      const stop = (err: PinpointError) => {
        signal.removeEventListener('abort', onAbort)
        req.close(NGHTTP2_CANCEL)
        reject(err)
      }
      const onAbort = () => stop(abortError(signal))
      signal.addEventListener('abort', onAbort, { once: true })
      req.on('response', (h) => {
        const status = Number(h[':status'])
        if (status !== 200) return stop(fail('HTTP_STATUS', `HTTP ${status}`))
        const type = String(h['content-type'] ?? '')
          .split(';')[0]
          ?.trim()
          .toLowerCase()
        if (type !== CONTENT_TYPE)
          return stop(fail('BAD_ANSWER', `answered ${type || 'no content type'}, not ${CONTENT_TYPE}`))
      })
      req.on('data', (c: Buffer) => {
        size += c.length
        if (size > MAX_ANSWER) return stop(fail('BAD_ANSWER', `an answer longer than ${MAX_ANSWER} bytes`))
        chunks.push(c)
      })
      req.on('end', () => {
        signal.removeEventListener('abort', onAbort)
        resolve(Buffer.concat(chunks))
      })
      req.on('error', (err: Error) => stop(fail('CONNECTION_RESET', err.message)))
      if (method === 'POST') req.end(query)
    })
  }

  /** One question as an HTTP/1.1 GET or POST of our own client (its connection under the same rules). */
  async function askHttp1(query: Buffer, signal: AbortSignal): Promise<Buffer> {
    const url = new URL(opts.url)
    if (method === 'GET') url.searchParams.set('dns', query.toString('base64url'))
    const res = await httpRequest(opts.transport, {
      url,
      method,
      headers: { accept: CONTENT_TYPE, ...(method === 'POST' ? { 'content-type': CONTENT_TYPE } : {}) },
      ...(method === 'POST' ? { body: query } : {}),
      signal,
    })
    try {
      if (res.status !== 200) throw fail('HTTP_STATUS', `HTTP ${res.status}`)
      const type = String(res.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim()
        .toLowerCase()
      if (type !== CONTENT_TYPE) throw fail('BAD_ANSWER', `answered ${type || 'no content type'}, not ${CONTENT_TYPE}`)
      return await readBody(res, MAX_ANSWER, () => fail('BAD_ANSWER', `an answer longer than ${MAX_ANSWER} bytes`))
    } finally {
      await res.close()
    }
  }

  return {
    server,
    async query(name, type, outer) {
      const timeout = AbortSignal.timeout(timeoutMs)
      const signal = outer ? AbortSignal.any([outer, timeout]) : timeout
      inFlight++
      clearTimeout(idleTimer)
      try {
        const answer = await ask(name, type, signal)
        return decodeAnswer(answer, name, type, server)
      } catch (err) {
        if (timeout.aborted && !outer?.aborted) throw fail('TIMEOUT', `no answer within ${timeoutMs} ms`)
        if (outer?.aborted) throw abortError(outer)
        throw asDnsFailure(err, server)
      } finally {
        if (--inFlight === 0) {
          void session?.then(
            (x) => x?.unref(),
            () => {},
          )
          idleTimer = setTimeout(() => this.close(), SESSION_IDLE_MS)
          idleTimer.unref()
        }
      }
    },
    close() {
      clearTimeout(idleTimer)
      const s = session
      session = undefined
      void s?.then(
        (x) => x?.close(),
        () => {},
      )
    },
  }
}

/**
 * A transport failure reaching the DoH server, as DNS_FAILED that keeps the transport's code as its cause, or
 * where the server's own name did not resolve, the resolver's answer (ENOTFOUND is final, EAI_AGAIN is not).
 */
function asDnsFailure(err: unknown, server: string): unknown {
  if (!isPinpointError(err)) return err
  if (err.code === 'DNS_FAILED' && String(err.message).includes(server)) return err
  const cause = err.code === 'DNS_FAILED' && typeof err.context.cause === 'string' ? err.context.cause : err.code
  return new PinpointError('DNS_FAILED', `DoH ${server}: ${err.message}`, { ...err.context, cause })
}

function abortError(signal: AbortSignal): PinpointError {
  const reason: unknown = signal.reason
  return isPinpointError(reason) ? reason : new PinpointError('INTERRUPTED', 'the lookup was canceled')
}
