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
  body: Dispatcher.ResponseData['body']
  connection: ConnectionInfo
  /** Release the connection; safe to call more than once. */
  close(): Promise<void>
}

/**
 * One HTTP/1.1 request on its own connection from the transport.
 *
 * Each request gets a fresh undici Client whose only way to connect is our connector, so the request bytes are
 * written only after the transport has picked the address, finished TLS and checked the pins. ALPN offers only
 * http/1.1 and `allowH2` is off, so N range requests stay N TCP connections. `Host` is the logical name (the SNI
 * override for an IP-literal URL), and `Accept-Encoding: identity` keeps offsets counting the bytes on disk.
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
    const res = await client.request({
      path: `${req.url.pathname}${req.url.search}`,
      method: req.method ?? 'GET',
      headers: {
        host: target.hostHeader,
        'accept-encoding': 'identity',
        'user-agent': 'pinpoint/0.1',
        ...req.headers,
      },
      ...(req.signal ? { signal: req.signal } : {}),
    })
    if (!info) throw new Error('response without a connection')
    return { status: res.statusCode, headers: res.headers, body: res.body, connection: info, close }
  } catch (err) {
    await close()
    throw asPinpointError(err, target.host)
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
