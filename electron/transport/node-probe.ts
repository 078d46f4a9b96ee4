import type { HostRule } from '../../shared/domain.ts'
import { systemDns } from '../../shared/dns.ts'
import type { NodeMeasure, NodeReport } from '../../shared/nodes.ts'
import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'
import { redactUrl } from '../../shared/redact-url.ts'
import type { ConnectionProfile } from '../../shared/profile.ts'
import { findRule } from './host-rules.ts'
import { httpRequest } from './http-request.ts'
import { profiledTransport } from './profiled-transport.ts'
import type { Transport } from './transport.ts'

export interface NodeProbeOptions {
  /** Bytes read from each node for its throughput (a ranged GET from byte 0). */
  bytes?: number
  /** Per node, for the whole measurement. */
  timeoutMs?: number
  profile?: ConnectionProfile
  signal?: AbortSignal
}

export const DEFAULT_NODE_BYTES = 1024 * 1024

/**
 * Measure every candidate node of `url`'s host, one after another (so they do not share the link while being
 * timed): TCP connect, TLS handshake, time to the response head, and throughput over a ranged read of `bytes`.
 * Each node is reached under the host's rules (pins and trust included), with only its own address.
 */
export async function measureNodes(transport: Transport, url: URL, opts: NodeProbeOptions = {}): Promise<NodeReport> {
  const bytes = opts.bytes ?? DEFAULT_NODE_BYTES
  const target = transport.target(url, opts.profile)
  const candidates = await candidatesOf(transport, target.host, target.rule, opts)
  const nodes: NodeMeasure[] = []
  for (const c of candidates) nodes.push(await measureOne(transport, url, target.host, target.port, c, bytes, opts))
  return { url: redactUrl(url), host: target.host, port: target.port, nodes: rank(nodes), at: new Date().toISOString() }
}

/** Best first: by throughput, then by time to first byte; failed nodes last, in the order they were tried. */
export function rank(nodes: NodeMeasure[]): NodeMeasure[] {
  const ok = nodes.filter((n) => n.error === undefined)
  const failed = nodes.filter((n) => n.error !== undefined)
  ok.sort(
    (a, b) =>
      (b.bytesPerSecond ?? 0) - (a.bytesPerSecond ?? 0) || (a.firstByteMs ?? Infinity) - (b.firstByteMs ?? Infinity),
  )
  return [...ok, ...failed]
}

async function candidatesOf(
  transport: Transport,
  host: string,
  rule: HostRule | undefined,
  opts: NodeProbeOptions,
): Promise<Array<{ address: string; source: string }>> {
  if (rule && rule.addresses.length > 0) return rule.addresses.map((address) => ({ address, source: 'rule' }))
  if (!transport.resolve) throw new PinpointError('INTERNAL', 'this transport cannot resolve names by itself')
  const dns = opts.profile?.dns ?? rule?.dns ?? systemDns
  const answers = await transport.resolve(host, dns, opts.signal, opts.profile)
  const seen = new Set<string>()
  return answers
    .filter((a) => !seen.has(a.address) && seen.add(a.address))
    .map((a) => ({ address: a.address, source: a.source ?? 'dns' }))
}

async function measureOne(
  transport: Transport,
  url: URL,
  host: string,
  port: number,
  c: { address: string; source: string },
  bytes: number,
  opts: NodeProbeOptions,
): Promise<NodeMeasure> {
  const own = opts.profile ? findRule(opts.profile.rules, host, port) : undefined
  const base: HostRule = own ?? { pattern: host, port, addresses: [], pins: [], pinMode: 'enforce', trust: 'ca' }
  const rules = [{ ...base, pattern: host, port, addresses: [c.address] }, ...(opts.profile?.rules ?? [])]
  const only = profiledTransport(transport, { ...opts.profile, rules })
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 15_000)
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout
  const started = performance.now()
  try {
    const res = await httpRequest(only, {
      url,
      headers: { range: `bytes=0-${bytes - 1}` },
      signal,
      idleTimeoutMs: opts.timeoutMs ?? 15_000,
    })
    const head = performance.now()
    let got = 0
    try {
      if (res.status < 200 || res.status > 299) {
        throw new PinpointError('HTTP_STATUS', `${c.address}: HTTP ${res.status}`)
      }
      // A server that ignores the range sends the whole file: the measurement stops at `bytes` all the same.
      await new Promise<void>((resolve, reject) =>
        res.body.read({
          data(chunk) {
            got += chunk.length
            if (got < bytes) return true
            resolve()
            return false
          },
          end: resolve,
          error: reject,
        }),
      )
    } finally {
      await res.close()
    }
    const seconds = (performance.now() - head) / 1000
    const info = res.connection
    return {
      address: c.address,
      source: c.source,
      connectMs: info.connectMs,
      handshakeMs: info.handshakeMs,
      firstByteMs: round(head - started - info.connectMs - info.handshakeMs),
      bytes: got,
      bytesPerSecond: Math.round(got / Math.max(seconds, 0.001)),
    }
  } catch (err) {
    const e = timeout.aborted ? new PinpointError('CONNECT_TIMEOUT', `${c.address}: no answer in time`) : err
    if (!isPinpointError(e)) throw e
    return { address: c.address, source: c.source, error: { code: e.code, message: e.message } }
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10
}
