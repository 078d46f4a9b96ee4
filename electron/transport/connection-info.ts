import type { TrafficMark } from './traffic-class.ts'
import type { z } from 'zod'

import type { PinMode as PinModeSchema, TrustMode as TrustModeSchema } from '../../shared/domain.ts'
import type { CandidateSource } from './candidates.ts'
import type { ChainCert } from './chain.ts'
import type { CtReport } from '../../shared/ct.ts'

export type PinMode = z.output<typeof PinModeSchema>
export type TrustMode = z.output<typeof TrustModeSchema>

/** One address tried while connecting, kept so `probe` and the UI can show why a node was or was not used. */
export interface AttemptRecord {
  address: string
  port: number
  source: CandidateSource
  /** The DoH server that gave the address. */
  server?: string
  /** Why the system resolver gave it instead of DoH. */
  note?: string
  /** The IPv4 address this one was synthesized from, with no IPv4 route to it, and the NAT64 prefix used. */
  nat64?: { from: string; prefix: string }
  startedMs: number
  outcome: 'won' | 'failed' | 'abandoned'
  error?: { code: string; message: string }
  elapsedMs?: number
}

/** What a finished handshake tells about the server; empty for plain http. */
export interface TlsFacts {
  protocol: string | null
  cipher: string | null
  alpn: string | null
  chain: ChainCert[]
  verified: boolean
  verifyError?: string
  /** true: a pin matched; false: pins were set and none matched (only report mode gets this far); absent: no pins. */
  pinned?: boolean
  /** The embedded SCTs and the Certificate Transparency verdict; absent for plain http. */
  ct?: CtReport
}

/** What is recorded for every connection the transport makes: what the app's details and `probe` show of it. */
export interface ConnectionInfo extends TlsFacts {
  /** The URL in its display form (redactUrl): the record is shown and stored. */
  url: string
  host: string
  address: string
  port: number
  /** The SNI sent, or null when none was (an IP-literal URL without an override). */
  servername: string | null
  hostHeader: string
  pinMode?: PinMode
  trust: TrustMode
  connectMs: number
  handshakeMs: number
  attempts: AttemptRecord[]
  at: string
  /**
   * Set when the transport refused this handshake (a pin mismatch, a certificate that does not verify): the
   * failure, with the chain above as the server presented it. No request was sent on such a connection.
   */
  refused?: { code: string; message: string }
  /** From the connection's hand-over to the first response byte read on it; absent until one arrives. */
  firstByteMs?: number
  /** Recorded for a transfer that was handed it kept alive, after a request of another transfer or an earlier one. */
  reused?: boolean
  /** The DSCP mark a background transfer asked for on this connection, and whether the runtime could set it. */
  trafficClass?: TrafficMark
  /**
   * The proxy this connection went through, as `scheme://host:port` (never with credentials), the `host:port` it
   * was asked to reach, and whether it carries a tunnel (CONNECT, SOCKS5) or absolute-form http:// requests.
   */
  proxy?: { url: string; asked: string; mode: 'tunnel' | 'forward' }
  /**
   * The proxies of a failover list (a PAC answer's) tried before this connection and not reached, in order,
   * each as `scheme://host:port` with why; `proxy` above (or its absence, for a listed DIRECT) is what was used.
   */
  failedProxies?: Array<{ url: string; code: string; message: string }>
}
