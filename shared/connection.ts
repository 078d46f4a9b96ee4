import { z } from 'zod'

import { PinMode, TrustMode } from './domain.ts'
import { CtReport } from './ct.ts'

/**
 * What the transport records about a connection, and what `probe` reports, as they cross IPC.
 *
 * These mirror the main-side interfaces (electron/transport/connection-info.ts, probe.ts); a type-level test
 * keeps each pair identical, so a field added there and forgotten here fails to compile instead of failing
 * the output check at run time.
 */

export const AttemptRecord = z.strictObject({
  address: z.string(),
  port: z.number().int(),
  source: z.enum(['rule', 'literal', 'dns', 'doh', 'dns-fallback', 'proxy']),
  /** The DoH server that gave the address. */
  server: z.string().optional(),
  /** Why the system resolver gave it instead of DoH. */
  note: z.string().optional(),
  /** The IPv4 address this one was synthesized from, with no IPv4 route to it, and the NAT64 prefix used. */
  nat64: z.strictObject({ from: z.string(), prefix: z.string() }).optional(),
  startedMs: z.number(),
  outcome: z.enum(['won', 'failed', 'abandoned']),
  error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
  elapsedMs: z.number().optional(),
})
export type AttemptRecord = z.output<typeof AttemptRecord>

const certFields = {
  subject: z.string(),
  issuer: z.string(),
  validFrom: z.string(),
  validTo: z.string(),
}

/** One certificate of a presented chain; `spki` is the bare base64 pin. */
export const ChainCert = z.strictObject({ ...certFields, spki: z.string(), fingerprint256: z.string() })
export type ChainCert = z.output<typeof ChainCert>

export const ConnectionInfo = z.strictObject({
  url: z.string(),
  host: z.string(),
  address: z.string(),
  port: z.number().int(),
  servername: z.string().nullable(),
  hostHeader: z.string(),
  protocol: z.string().nullable(),
  cipher: z.string().nullable(),
  alpn: z.string().nullable(),
  chain: z.array(ChainCert),
  verified: z.boolean(),
  verifyError: z.string().optional(),
  pinned: z.boolean().optional(),
  pinMode: PinMode.optional(),
  trust: TrustMode,
  connectMs: z.number(),
  handshakeMs: z.number(),
  attempts: z.array(AttemptRecord),
  at: z.string(),
  /** The handshake was refused for this (no request was sent); the chain is the one the server presented. */
  refused: z.strictObject({ code: z.string(), message: z.string() }).optional(),
  firstByteMs: z.number().optional(),
  reused: z.boolean().optional(),
  /** The embedded SCTs and the Certificate Transparency verdict; absent for plain http. */
  ct: CtReport.optional(),
  /** The DSCP mark a background transfer asked for on this connection, and whether the runtime could set it. */
  trafficClass: z
    .strictObject({ dscp: z.enum(['CS1', 'default']), applied: z.boolean(), note: z.string().optional() })
    .optional(),
  /** The proxy this connection went through (never with credentials) and the `host:port` it was asked for. */
  proxy: z.strictObject({ url: z.string(), asked: z.string(), mode: z.enum(['tunnel', 'forward']) }).optional(),
  /** The proxies of a failover list tried first and not reached, in order, with why. */
  failedProxies: z.array(z.strictObject({ url: z.string(), code: z.string(), message: z.string() })).optional(),
})
export type ConnectionInfo = z.output<typeof ConnectionInfo>

/**
 * The little of a connection every row shows: where it went, the name it presented, the TLS version, and
 * whether the chain verified and a pin matched (`pinned` absent: no pins were set).
 */
export const ConnectionSummary = ConnectionInfo.pick({
  address: true,
  port: true,
  servername: true,
  protocol: true,
  verified: true,
  pinned: true,
})
export type ConnectionSummary = z.output<typeof ConnectionSummary>

/**
 * What `hosts:probe` (and `pinpoint probe --json`) reports: a connection's facts, except that a probe may fail
 * before any address answers (`address` null, `error` set), and chain pins are in curl's `sha256//…` form.
 */
export const ProbeReport = ConnectionInfo.pick({
  url: true,
  port: true,
  servername: true,
  hostHeader: true,
  protocol: true,
  cipher: true,
  alpn: true,
  verified: true,
  verifyError: true,
  pinned: true,
  attempts: true,
  ct: true,
}).extend({
  address: z.string().nullable(),
  error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
  chain: z.array(z.strictObject({ ...certFields, spki: z.string() })),
})
export type ProbeReport = z.output<typeof ProbeReport>
