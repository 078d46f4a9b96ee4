import type { Duplex } from 'node:stream'

import type { ResolvedProxy } from '../../shared/proxy.ts'
import type { Candidate } from './candidates.ts'
import type { LogList } from './ct/log-list.ts'
import { openForwardProxy, openTunnel, proxyAuthorization } from './proxy-tunnel.ts'
import { ReadRelay } from './read-relay.ts'
import { relayStream } from './stream-relay.ts'
import type { Target } from './target.ts'
import { connectTcp } from './tcp-connect.ts'
import { connectTls, type TlsResult } from './tls-connect.ts'

/**
 * How plain http:// requests go through an HTTP proxy that carries them itself: each in absolute form to
 * `origin` (scheme, the address asked for, port), with the proxy's credentials when it has some.
 */
export interface ForwardProxy {
  origin: string
  authorization?: string
  proxy: ResolvedProxy
}

/** The winning attempt: a TLS result, or the same shape for plain TCP with the TLS fields empty. */
export type Won = Omit<TlsResult, 'socket'> & {
  socket: Duplex
  address: string
  relay: ReadRelay
  forward?: ForwardProxy
}

/** What every attempt of one transport shares; the CT log list and the clock are read at each TLS connect. */
export interface AttemptEnv {
  /** Per address: TCP connect plus TLS handshake. */
  timeoutMs: number
  ctLogList: () => LogList | undefined
  now: () => Date
}

/**
 * One attempt at one address: through an HTTP proxy that forwards plain http://, a proxy's tunnel, plain TCP,
 * or TLS verified against the host's rule (pins, pin mode, trust, Certificate Transparency) and `ca`.
 */
export async function attemptOne(
  target: Target,
  c: Candidate,
  ca: string[] | undefined,
  signal: AbortSignal,
  alpn: readonly string[] | undefined,
  proxy: ResolvedProxy | undefined,
  local: readonly string[],
  env: AttemptEnv,
): Promise<Won> {
  const { timeoutMs } = env
  const relay = new ReadRelay()
  const plain = { protocol: null, cipher: null, alpn: null, chain: [], verified: false, handshakeMs: 0 }
  if (proxy && !target.secure && (proxy.scheme === 'http' || proxy.scheme === 'https')) {
    const { socket, connectMs } = await openForwardProxy(proxy, timeoutMs, signal)
    relayStream(socket, relay)
    const authorization = proxyAuthorization(proxy)
    const origin = `http://${c.address.includes(':') ? `[${c.address}]` : c.address}:${target.port}`
    const forward = { origin, proxy, ...(authorization === undefined ? {} : { authorization }) }
    return { ...plain, socket, connectMs, address: c.address, relay, forward }
  }
  const tunnel = proxy ? await openTunnel({ proxy, host: c.address, port: target.port, timeoutMs, signal }) : undefined
  if (tunnel && !target.secure) {
    relayStream(tunnel.socket, relay)
    return { ...plain, ...tunnel, address: c.address, relay }
  }
  if (!target.secure) {
    const tcp = await connectTcp({
      address: c.address,
      port: target.port,
      host: target.host,
      timeoutMs,
      signal,
      relay,
    })
    return { ...plain, ...tcp, address: c.address, relay }
  }
  const rule = target.rule
  const result = await connectTls({
    address: c.address,
    port: target.port,
    logicalName: target.logicalName,
    servername: target.servername,
    pins: rule?.pins ?? [],
    pinMode: rule?.pinMode ?? 'enforce',
    trust: rule?.trust ?? 'ca',
    ca,
    timeoutMs,
    signal,
    relay,
    ...(alpn ? { alpn } : {}),
    localCa: local,
    ct: {
      mode: rule?.ct ?? 'report',
      policy: rule?.ctPolicy ?? 'two-operators',
      list: env.ctLogList(),
      now: env.now(),
    },
    ...(tunnel ? { socket: tunnel.socket } : {}),
  })
  return { ...result, address: c.address, relay, ...(tunnel ? { connectMs: tunnel.connectMs } : {}) }
}
