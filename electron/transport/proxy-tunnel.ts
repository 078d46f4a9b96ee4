import { connect as netConnect, isIP } from 'node:net'
import type { Duplex } from 'node:stream'
import { checkServerIdentity, connect as tlsConnect, type DetailedPeerCertificate } from 'node:tls'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import { proxyLabel, type ResolvedProxy } from '../../shared/proxy.ts'
import { formatPin } from '../../shared/pins.ts'
import { chainOf } from './chain.ts'
import { HandshakeReader } from './handshake-reader.ts'
import { codeForNodeError } from './node-errors.ts'
import { socks5Connect } from './socks5.ts'

export interface TunnelRequest {
  proxy: ResolvedProxy
  /** What the proxy is asked to reach: a name (the proxy resolves it) or an address. */
  host: string
  port: number
  timeoutMs: number
  signal: AbortSignal
}

export interface ProxySocket {
  /** A stream socket (never `onread`): what it carries next is the caller's. */
  socket: Duplex
  /** Until the tunnel was ready: TCP (and TLS to an https:// proxy) plus the proxy's handshake. */
  connectMs: number
}

/** The longest CONNECT reply head we read; a proxy's real ones are a few hundred bytes. */
const MAX_HEAD = 16 * 1024

/**
 * A tunnel to `host:port` through the proxy: HTTP CONNECT (over TLS to an https:// proxy) or SOCKS5. Whatever
 * goes wrong is an error naming the proxy, within `timeoutMs`, and the socket is closed: a proxy that stalls,
 * closes mid-handshake or answers nonsense never leaves the caller waiting.
 */
export function openTunnel(r: TunnelRequest): Promise<ProxySocket> {
  return bounded(r.proxy, r.timeoutMs, r.signal, `tunnel to ${authority(r.host, r.port)}`, async (track, reached) => {
    const started = performance.now()
    const socket = track(await connectProxy(r.proxy, track))
    reached()
    const reader = new HandshakeReader(socket, (cause) => closedError(r.proxy, cause))
    if (r.proxy.scheme === 'socks5' || r.proxy.scheme === 'socks5h') {
      await socks5Connect(socket, reader, r.proxy, r.host, r.port)
    } else {
      await httpConnect(socket, reader, r)
    }
    reader.release()
    return { socket, connectMs: performance.now() - started }
  })
}

/**
 * A connection to an HTTP(S) proxy itself, for http:// URLs sent to it in absolute form; TLS to an https://
 * proxy is checked against its own anchors and pins.
 */
export function openForwardProxy(proxy: ResolvedProxy, timeoutMs: number, signal: AbortSignal): Promise<ProxySocket> {
  return bounded(proxy, timeoutMs, signal, 'connection', async (track, reached) => {
    const started = performance.now()
    const socket = track(await connectProxy(proxy, track))
    reached()
    return { socket, connectMs: performance.now() - started }
  })
}

/** `Proxy-Authorization` for a proxy with credentials: Basic, the only scheme we send. */
export function proxyAuthorization(proxy: ResolvedProxy): string | undefined {
  if (proxy.user === undefined) return undefined
  return `Basic ${Buffer.from(`${proxy.user}:${proxy.password ?? ''}`, 'utf8').toString('base64')}`
}

async function connectProxy(proxy: ResolvedProxy, track: (s: Duplex) => Duplex): Promise<Duplex> {
  const tcp = netConnect({ host: proxy.host, port: proxy.port })
  track(tcp)
  await new Promise<void>((resolve, reject) => {
    tcp.once('connect', resolve)
    tcp.once('error', (err: NodeJS.ErrnoException) => {
      const what = err.code === 'ECONNREFUSED' ? 'refused the connection' : `could not be reached (${err.message})`
      reject(
        unreachable(new PinpointError('PROXY_FAILED', `proxy ${proxyLabel(proxy)} ${what}`, context(proxy, err.code))),
      )
    })
  })
  if (proxy.scheme !== 'https') return tcp
  return track(await proxyTls(proxy, tcp))
}

/** TLS to an https:// proxy: its certificate must verify for its name (or match its pins) before CONNECT is sent. */
function proxyTls(proxy: ResolvedProxy, tcp: Duplex): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    let nameError: Error | undefined
    const socket = tlsConnect({
      socket: tcp,
      ...(isIP(proxy.host) ? {} : { servername: proxy.host }),
      ...(proxy.ca === undefined ? {} : { ca: [proxy.ca] }),
      minVersion: 'TLSv1.2',
      ALPNProtocols: ['http/1.1'],
      rejectUnauthorized: false,
      checkServerIdentity: (_host, cert) => (nameError = checkServerIdentity(proxy.host, cert)),
    })
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const code = codeForNodeError(err.code) ?? 'PROXY_FAILED'
      reject(
        unreachable(
          new PinpointError(code, `proxy ${proxyLabel(proxy)}: TLS failed (${err.message})`, context(proxy, err.code)),
        ),
      )
    })
    socket.once('secureConnect', () => {
      const chain = chainOf(socket.getPeerCertificate(true) as DetailedPeerCertificate)
      const fail = (code: 'TLS_UNTRUSTED' | 'TLS_NAME_MISMATCH' | 'PIN_MISMATCH', why: string) => {
        socket.destroy()
        reject(unreachable(new PinpointError(code, `proxy ${proxyLabel(proxy)}: ${why}`, context(proxy))))
      }
      if (proxy.pins.length > 0) {
        if (!chain.some((c) => proxy.pins.includes(c.spki))) {
          const leaf = chain[0] ? formatPin(chain[0].spki) : 'no certificate'
          return fail('PIN_MISMATCH', `no proxy pin matches its chain; it presented ${leaf}`)
        }
      }
      if (!socket.authorized) {
        const why = String(socket.authorizationError ?? '')
        const code = codeForNodeError(why)
        if (code === 'TLS_NAME_MISMATCH' || nameError) {
          return fail('TLS_NAME_MISMATCH', `the proxy's certificate is not valid for ${proxy.host}`)
        }
        return fail('TLS_UNTRUSTED', `the proxy's certificate chain is not trusted (${why})`)
      }
      resolve(socket)
    })
  })
}

async function httpConnect(socket: Duplex, reader: HandshakeReader, r: TunnelRequest): Promise<void> {
  const target = authority(r.host, r.port)
  if (!/^[\x21-\x7e]+$/.test(target))
    throw new PinpointError('BAD_URL', `cannot ask a proxy for ${JSON.stringify(target)}`)
  const auth = proxyAuthorization(r.proxy)
  socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth ? `Proxy-Authorization: ${auth}\r\n` : ''}\r\n`)
  const head = await reader.head(MAX_HEAD, () =>
    failure(r.proxy, `sent a CONNECT reply head longer than ${MAX_HEAD} bytes`),
  )
  const [statusLine = '', ...lines] = head.slice(0, -4).split('\r\n')
  const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine)
  if (!m)
    throw failure(
      r.proxy,
      `answered CONNECT ${target} with a malformed reply ${JSON.stringify(statusLine.slice(0, 80))}`,
    )
  const status = Number(m[1])
  if (status >= 200 && status < 300) return
  if (status === 407) throw authError(r.proxy, statusLine, challenges(lines))
  throw failure(r.proxy, `answered CONNECT ${target} with "${printable(statusLine)}"`)
}

/** The schemes a 407 offers, by name (the first word of each Proxy-Authenticate challenge). */
function challenges(lines: string[]): string[] {
  const out: string[] = []
  for (const line of lines) {
    const m = /^proxy-authenticate:\s*([A-Za-z0-9._~+/-]+)/i.exec(line)
    if (m && !out.includes(m[1] as string)) out.push(m[1] as string)
  }
  return out
}

/** The error for a proxy's 407, over CONNECT or to an absolute-form request: names what it asked for. */
export function authError(proxy: ResolvedProxy, statusLine: string, schemes: string[]): PinpointError {
  const label = proxyLabel(proxy)
  const offersBasic = schemes.some((s) => s.toLowerCase() === 'basic')
  const asked = schemes.length > 0 ? schemes.join(', ') : 'no scheme'
  let why: string
  if (!offersBasic && schemes.length > 0) {
    why = `asks for ${asked} authentication, which Pinpoint does not support (only Basic)`
  } else if (proxy.user !== undefined) {
    why = `rejected the user name and password ("${printable(statusLine)}")`
  } else {
    why = `requires authentication (${asked}): give the proxy's user name and password`
  }
  return new PinpointError('PROXY_AUTH_REQUIRED', `proxy ${label} ${why}`, context(proxy))
}

export function failure(proxy: ResolvedProxy, what: string): PinpointError {
  return new PinpointError('PROXY_FAILED', `proxy ${proxyLabel(proxy)} ${what}`, context(proxy))
}

function closedError(proxy: ResolvedProxy, cause?: Error): PinpointError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code
  return new PinpointError(
    'PROXY_FAILED',
    `proxy ${proxyLabel(proxy)} closed the connection during its handshake${code ? ` (${code})` : ''}`,
    context(proxy, code),
  )
}

/**
 * Failures to reach a proxy at all (no TCP connection, no connection in time, its TLS refused), as against a
 * proxy's own answer: only these let a failover list go on to its next entry.
 */
const unreachableErrors = new WeakSet<Error>()

function unreachable(err: PinpointError): PinpointError {
  unreachableErrors.add(err)
  return err
}

/** Whether `err` says the proxy could not be reached, rather than what a reached proxy answered. */
export function isProxyUnreachable(err: unknown): boolean {
  return err instanceof Error && unreachableErrors.has(err)
}

function context(proxy: ResolvedProxy, cause?: string) {
  return { host: proxy.host, port: proxy.port, ...(cause === undefined ? {} : { cause }) }
}

function authority(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?').slice(0, 200)
}

/**
 * Run a proxy handshake under a deadline and the caller's signal: on either, or on any failure, every socket
 * it opened is destroyed and the promise rejects.
 */
function bounded<T>(
  proxy: ResolvedProxy,
  timeoutMs: number,
  signal: AbortSignal,
  what: string,
  work: (track: (s: Duplex) => Duplex, reached: () => void) => Promise<T>,
): Promise<T> {
  const sockets: Duplex[] = []
  // Until the proxy's connection (and its TLS) is up, running out of time means the proxy was not reached.
  let up = false
  const track = (s: Duplex) => {
    sockets.push(s)
    // A socket whose error arrives after the outcome is decided must not count as unhandled.
    s.on('error', () => {})
    return s
  }
  return new Promise<T>((resolve, reject) => {
    let done = false
    const finish = (err: unknown, value?: T) => {
      if (done) return
      done = true
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      if (err === undefined) return resolve(value as T)
      for (const s of sockets) s.destroy()
      reject(err)
    }
    const onAbort = () => finish(new PinpointError('CONNECT_FAILED', `proxy ${proxyLabel(proxy)}: attempt abandoned`))
    const timer = setTimeout(() => {
      const err = new PinpointError('CONNECT_TIMEOUT', `proxy ${proxyLabel(proxy)}: no ${what} within ${timeoutMs} ms`)
      finish(up ? err : unreachable(err))
    }, timeoutMs)
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    work(track, () => (up = true)).then(
      (value) => finish(undefined, value),
      (err: unknown) => finish(err),
    )
  })
}
