import { connect as tlsConnect, type DetailedPeerCertificate } from 'node:tls'

import { formatPin } from '../../shared/pins.ts'
import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'
import { redactUrl } from '../../shared/redact-url.ts'
import { chainOf, type ChainCert } from './chain.ts'
import type { AttemptRecord, ConnectionInfo } from './connection-info.ts'
import type { Target } from './target.ts'
import type { Transport } from './transport.ts'
import type { CtReport } from '../../shared/ct.ts'
import { refusedConnection } from './refused.ts'

/** What `pinpoint probe --json` prints: one object, whose fields (listed in the README) scripts rely on. */
export interface ProbeReport {
  url: string
  address: string | null
  port: number
  servername: string | null
  hostHeader: string
  protocol: string | null
  cipher: string | null
  alpn: string | null
  verified: boolean
  verifyError?: string
  error?: { code: string; message: string }
  pinned?: boolean
  chain: Array<Pick<ChainCert, 'subject' | 'issuer' | 'validFrom' | 'validTo'> & { spki: string }>
  attempts: AttemptRecord[]
  /** The embedded SCTs and the Certificate Transparency verdict, when a handshake got that far. */
  ct?: CtReport
}

/**
 * Connect, verify, and report what the server presents, without sending a request.
 *
 * When verification fails the chain is still shown, so a user can pin a self-signed server: a second,
 * inspection-only handshake to the same address reads the chain and closes without writing a byte.
 */
export async function probe(transport: Transport, url: URL, timeoutMs: number): Promise<ProbeReport> {
  const target = transport.target(url)
  try {
    const conn = await transport.connect(url)
    conn.socket.destroy()
    return reportOf(conn.info)
  } catch (err) {
    if (!isPinpointError(err)) throw err
    const attempts = (err as PinpointError & { attempts?: AttemptRecord[] }).attempts ?? []
    const address = err.context.address ?? null
    let chain: ChainCert[] = []
    if (address && target.secure && /^(TLS_|PIN_)/.test(err.code)) {
      chain = await inspectChain(address, target, timeoutMs).catch(() => [])
    }
    return {
      url: redactUrl(url),
      address,
      port: target.port,
      servername: target.servername ?? null,
      hostHeader: target.hostHeader,
      protocol: null,
      cipher: null,
      alpn: null,
      verified: false,
      verifyError: err.context.cause ?? err.code,
      error: { code: err.code, message: err.message },
      ...(target.rule?.pins.length ? { pinned: err.code === 'PIN_MISMATCH' ? false : undefined } : {}),
      chain: chain.map(publicCert),
      attempts,
      ...ctOf(refusedConnection(err)),
    }
  }
}

function reportOf(info: ConnectionInfo): ProbeReport {
  return {
    url: info.url,
    address: info.address,
    port: info.port,
    servername: info.servername,
    hostHeader: info.hostHeader,
    protocol: info.protocol,
    cipher: info.cipher,
    alpn: info.alpn,
    verified: info.verified,
    ...(info.verifyError === undefined ? {} : { verifyError: info.verifyError }),
    ...(info.pinned === undefined ? {} : { pinned: info.pinned }),
    chain: info.chain.map(publicCert),
    attempts: info.attempts,
    ...ctOf(info),
  }
}

function ctOf(info: ConnectionInfo | undefined): { ct?: CtReport } {
  return info?.ct === undefined ? {} : { ct: info.ct }
}

function publicCert(c: ChainCert): ProbeReport['chain'][number] {
  return { subject: c.subject, issuer: c.issuer, validFrom: c.validFrom, validTo: c.validTo, spki: formatPin(c.spki) }
}

/** Read the presented chain with verification off; the socket is closed without any application data. */
function inspectChain(address: string, target: Target, timeoutMs: number): Promise<ChainCert[]> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: address,
      port: target.port,
      servername: target.servername,
      ALPNProtocols: ['http/1.1'],
      // Inspection only: this socket is destroyed in the handshake callback and never carries a request.
      rejectUnauthorized: false,
    })
    const timer = setTimeout(() => socket.destroy(new Error('inspection timed out')), timeoutMs)
    socket.once('secureConnect', () => {
      clearTimeout(timer)
      const chain = chainOf(socket.getPeerCertificate(true) as DetailedPeerCertificate)
      socket.destroy()
      resolve(chain)
    })
    socket.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
  })
}
