import {
  checkServerIdentity,
  connect,
  createSecureContext,
  type ConnectionOptions,
  type SecureContext,
  type DetailedPeerCertificate,
  type PeerCertificate,
  type TLSSocket,
} from 'node:tls'

import type { OnReadOpts } from 'node:net'
import type { Duplex } from 'node:stream'

import type { PinMode, TlsFacts, TrustMode } from './connection-info.ts'
import { chainOf, type ChainCert } from './chain.ts'
import { PinpointError, type FailureContext } from '../../shared/pinpoint-error.ts'
import { codeForNodeError } from './node-errors.ts'
import { formatPin } from '../../shared/pins.ts'
import { anchorsKey, boundedMemo } from './memo.ts'
import { markRefused } from './refused.ts'
import type { ReadRelay } from './read-relay.ts'
import { ctReportFor, type CtSettings } from './ct/ct-check.ts'
import { relayStream } from './stream-relay.ts'
import { endsAtLocalCa, privateCaReport } from './ct/private-ca.ts'

export interface TlsAttempt {
  address: string
  port: number
  /** The name the certificate must be valid for: the SNI override, or the URL's host. */
  logicalName: string
  /** What goes in the SNI extension; undefined for an IP-literal URL without an override (RFC 6066). */
  servername: string | undefined
  pins: readonly string[]
  pinMode: PinMode
  trust: TrustMode
  /** Trust anchors; undefined means Node's bundled roots. */
  ca: string[] | undefined
  timeoutMs: number
  signal: AbortSignal
  /** Where the socket's decrypted reads go (the socket emits no 'data' events). */
  relay: ReadRelay
  /** ALPN protocols to offer; default only http/1.1. */
  alpn?: readonly string[]
  /** Certificate Transparency for this host; absent: not checked. */
  ct?: CtSettings
  /**
   * A connected stream to run TLS over instead of a new TCP connection: a proxy's tunnel to `address`. Its
   * decrypted reads reach `relay` through the stream (net's `onread` only serves sockets net itself opens).
   */
  socket?: Duplex
  /** Anchors the user added for this host or download (a rule's CA, `--cacert`): a private CA, exempt from CT. */
  localCa?: readonly string[]
}

export interface TlsResult extends TlsFacts {
  socket: TLSSocket
  connectMs: number
  handshakeMs: number
}

/**
 * Secure contexts by trust anchors. Building one parses every CA certificate (Node's whole root store when `ca`
 * is undefined), about a millisecond each time: too much to pay per connection when a list of 1000 small files
 * makes 1000 of them. A context holds no session for reuse (Node's client cache is off unless a `session` is
 * passed, and we never pass one), so sharing it cannot skip the pin check.
 */
const contexts = boundedMemo<SecureContext>(32)

function secureContextFor(ca: readonly string[] | undefined): SecureContext {
  return contexts(anchorsKey(ca), () =>
    createSecureContext({ ...(ca === undefined ? {} : { ca: [...ca] }), minVersion: 'TLSv1.2' }),
  )
}

/**
 * One TLS connection to one address, with every check done before the caller may write a byte.
 *
 * - `trust: 'ca'` refuses a chain that does not verify and a certificate whose name is not `logicalName` (our
 *   `checkServerIdentity` checks that name, never the IP), in the handshake callback, before this promise
 *   resolves, so no request byte is ever sent. It is checked there rather than by Node's `rejectUnauthorized`,
 *   which destroys the socket before the presented chain can be read: the refused chain is kept with the error
 *   (see refused.ts) so the transfer that failed can show what it refused.
 * - `trust: 'pin'` (an explicit per-host opt-in for self-signed servers) lets the chain through, and instead
 *   requires the leaf's key to match a pin; the chain and name results are reported, not enforced.
 * - Pins are matched against the chain Node verified, after the handshake and before this promise resolves,
 *   so a mismatch closes the socket with zero request bytes sent.
 * - No `session` is ever passed: a resumed session skips certificate callbacks, so it would skip the pins.
 */
export function connectTls(a: TlsAttempt): Promise<TlsResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    let connectMs = 0
    let chain: ChainCert[] = []
    let nameError: Error | undefined
    let presented: DetailedPeerCertificate | undefined
    let done = false
    const ctx = (): FailureContext => ({
      host: a.logicalName,
      address: a.address,
      port: a.port,
      servername: a.servername ?? null,
    })

    const options: ConnectionOptions & { onread?: OnReadOpts } = {
      ...(a.socket ? { socket: a.socket } : { host: a.address, port: a.port, onread: a.relay.onread }),
      servername: a.servername,
      secureContext: secureContextFor(a.ca),
      ALPNProtocols: a.alpn ? [...a.alpn] : ['http/1.1'],
      // Never Node's own refusal: see above; `socket.authorized` is checked in the handshake callback instead.
      rejectUnauthorized: false,
      // Node hands this callback getPeerCertificate(true), i.e. the detailed form with issuer links.
      checkServerIdentity: (_host: string, cert: PeerCertificate) => {
        presented = cert as DetailedPeerCertificate
        chain = chainOf(presented)
        nameError = checkServerIdentity(a.logicalName, cert)
        return nameError
      },
    }
    // tls.connect takes net's `onread` (Node's docs say so; @types/node's ConnectionOptions omits it).
    const socket = connect(options)
    if (a.socket) relayStream(socket, a.relay)

    const fail = (err: PinpointError) => {
      if (done) return
      done = true
      cleanup()
      socket.destroy()
      a.socket?.destroy()
      reject(err)
    }
    const onAbort = () => fail(new PinpointError('CONNECT_FAILED', 'attempt abandoned', ctx()))
    const timer = setTimeout(() => {
      const what =
        connectMs || a.socket
          ? `no TLS handshake within ${a.timeoutMs} ms`
          : `no TCP connection within ${a.timeoutMs} ms`
      fail(new PinpointError('CONNECT_TIMEOUT', `${endpoint(a)}: ${what}`, ctx()))
    }, a.timeoutMs)
    const cleanup = () => {
      clearTimeout(timer)
      a.signal.removeEventListener('abort', onAbort)
    }
    if (a.signal.aborted) return onAbort()
    a.signal.addEventListener('abort', onAbort, { once: true })

    socket.once('connect', () => {
      connectMs = performance.now() - started
    })
    // `on`, not `once`: a destroyed socket can emit a second error, which must not go unhandled.
    socket.on('error', (err: NodeJS.ErrnoException) => fail(classify(err, a, chain, ctx())))
    socket.once('secureConnect', () => {
      if (done) return
      if (chain.length === 0) chain = chainOf((presented = socket.getPeerCertificate(true)))
      const authError = socket.authorized ? undefined : String(socket.authorizationError ?? nameError?.message)
      const pinned = a.pins.length > 0 ? matchesPin(a, chain) : undefined
      const checked = a.ct && presented?.raw ? ctReportFor(a.ct, presented, issuerOf(presented)) : undefined
      const privateCa =
        a.trust === 'pin' ? 'pin' : socket.authorized && endsAtLocalCa(chain, a.localCa ?? []) ? 'local-ca' : undefined
      const ct = checked && privateCa ? privateCaReport(checked, privateCa) : checked
      const facts = {
        protocol: socket.getProtocol(),
        cipher: socket.getCipher()?.standardName ?? null,
        alpn: socket.alpnProtocol || null,
        chain,
        verified: socket.authorized,
        ...(authError === undefined ? {} : { verifyError: authError }),
        ...(pinned === undefined ? {} : { pinned }),
        ...(ct === undefined ? {} : { ct }),
        connectMs,
        handshakeMs: performance.now() - started - connectMs,
      }

      if (a.trust === 'ca' && authError !== undefined) {
        const nodeError = Object.assign(new Error(authError), { code: authError })
        return fail(markRefused(classify(nodeError, a, chain, ctx()), facts))
      }
      if (socket.isSessionReused() && a.pins.length > 0) {
        return fail(new PinpointError('PIN_MISMATCH', `${endpoint(a)}: resumed TLS session, pins unchecked`, ctx()))
      }
      if (pinned === false && (a.pinMode === 'enforce' || a.trust === 'pin')) {
        const presented = chain.map((c) => c.spki)
        const leaf = presented[0] ? formatPin(presented[0]) : 'no certificate'
        const scope = a.trust === 'pin' ? 'leaf key' : 'chain'
        const mismatch = new PinpointError(
          'PIN_MISMATCH',
          `${endpoint(a)}: no pin matches the server's ${scope}; it presented ${leaf}`,
          { ...ctx(), presentedPins: presented },
        )
        return fail(markRefused(mismatch, facts))
      }
      // After the chain and the pins, and like them before any request byte: only a policy failure refuses; a
      // missing or stale log list reports without refusing.
      if (ct?.mode === 'enforce' && ct.verdict === 'failed') {
        const refusal = new PinpointError('CT_FAILED', `${endpoint(a)}: Certificate Transparency: ${ct.reason}`, ctx())
        return fail(markRefused(refusal, facts))
      }
      done = true
      cleanup()
      resolve({ socket, ...facts })
    })
  })
}

/** The certificate that issued `leaf` as Node linked it; a self-signed leaf is its own issuer. */
function issuerOf(leaf: DetailedPeerCertificate): { raw: Buffer; fingerprint256: string } | undefined {
  const issuer = leaf.issuerCertificate
  return issuer?.raw ? issuer : undefined
}

/** In `trust: 'pin'` mode only the leaf counts: nothing else in an unverified chain proves anything. */
function matchesPin(a: TlsAttempt, chain: ChainCert[]): boolean {
  const candidates = a.trust === 'pin' ? chain.slice(0, 1) : chain
  return candidates.some((c) => a.pins.includes(c.spki))
}

function endpoint(a: TlsAttempt): string {
  const addr = a.address.includes(':') ? `[${a.address}]` : a.address
  const sni = a.servername === undefined ? 'no SNI' : `SNI ${a.servername}`
  return `${a.logicalName} at ${addr}:${a.port} (${sni})`
}

function classify(err: NodeJS.ErrnoException, a: TlsAttempt, chain: ChainCert[], ctx: FailureContext): PinpointError {
  if (err instanceof PinpointError) return err
  const code = codeForNodeError(err.code) ?? 'CONNECT_FAILED'
  const context = { ...ctx, cause: err.code, ...(chain.length ? { presentedPins: chain.map((c) => c.spki) } : {}) }
  const why: Partial<Record<typeof code, string>> = {
    TLS_NAME_MISMATCH: `the certificate is not valid for ${a.logicalName}${a.servername === undefined ? ' (no SNI was sent for this IP address; use --sni to name the server)' : ''}`,
    TLS_UNTRUSTED: `the certificate chain is not trusted (${err.code})`,
    TLS_EXPIRED: 'the certificate has expired',
    TLS_NOT_YET_VALID: 'the certificate is not valid yet',
    CONNECT_REFUSED: 'connection refused',
    CONNECTION_RESET: 'connection reset during the TLS handshake',
  }
  return new PinpointError(code, `${endpoint(a)}: ${why[code] ?? err.message}`, context)
}
