import { proxyLabel, type ResolvedProxy } from '../../shared/proxy.ts'
import { redactUrl } from '../../shared/redact-url.ts'
import type { Candidate } from './candidates.ts'
import type { AttemptRecord, ConnectionInfo } from './connection-info.ts'
import type { RefusedHandshake } from './refused.ts'
import type { Target } from './target.ts'

/** The record of a handshake that completed, whether the transport then accepted it or refused it. */
export function infoOf(
  url: URL,
  target: Target,
  address: string,
  tls: RefusedHandshake,
  attempts: AttemptRecord[],
  at: Date,
): ConnectionInfo {
  return {
    // The record is shown and kept as history, so it never holds the link's userinfo or signature.
    url: redactUrl(url),
    host: target.host,
    address,
    port: target.port,
    servername: target.servername ?? null,
    hostHeader: target.hostHeader,
    protocol: tls.protocol,
    cipher: tls.cipher,
    alpn: tls.alpn,
    chain: tls.chain,
    verified: tls.verified,
    ...(tls.verifyError === undefined ? {} : { verifyError: tls.verifyError }),
    ...(tls.pinned === undefined ? {} : { pinned: tls.pinned, pinMode: target.rule?.pinMode ?? 'enforce' }),
    ...(tls.ct === undefined ? {} : { ct: tls.ct }),
    trust: target.rule?.trust ?? 'ca',
    connectMs: roundMs(tls.connectMs),
    handshakeMs: roundMs(tls.handshakeMs),
    attempts,
    at: at.toISOString(),
  }
}

/**
 * The record of one attempt as it starts, at `mapped` (the candidate, or the address NAT64 synthesized for it):
 * abandoned until it wins or fails.
 */
export function attemptRecord(
  c: Candidate,
  mapped: { address: string; from?: string; prefix?: string },
  port: number,
  startedMs: number,
): AttemptRecord {
  return {
    address: mapped.address,
    ...(mapped.from === undefined ? {} : { nat64: { from: mapped.from, prefix: mapped.prefix ?? '' } }),
    port,
    source: c.source,
    ...(c.server === undefined ? {} : { server: c.server }),
    ...(c.note === undefined ? {} : { note: c.note }),
    startedMs,
    outcome: 'abandoned',
  }
}

/** The record's proxy: its label (never with credentials), the `host:port` it was asked for, and how it carries. */
export function proxyInfo(proxy: ResolvedProxy, address: string, port: number, mode: 'tunnel' | 'forward') {
  return { url: proxyLabel(proxy), asked: `${address.includes(':') ? `[${address}]` : address}:${port}`, mode }
}

/** Milliseconds as records keep them: to a tenth. */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10
}
