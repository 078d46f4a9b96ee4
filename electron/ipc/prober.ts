import type { ConnectionInfo } from '../transport/connection-info.ts'
import { probe } from '../transport/probe.ts'
import type { TransportMaker } from '../engine/core-transport.ts'
import type { Probe } from './host-handlers.ts'

export interface ProberOptions {
  /** Transports as the core builds them (saved rules, resolver, CT log list), one per probe. */
  transports: TransportMaker
  connectTimeoutMs?: number
  onConnection?: (info: ConnectionInfo) => void
}

/**
 * `hosts:probe` as the transport sees it: a rule being edited is tried ahead of the saved ones, so the user
 * can check a pin or an address before saving it. A fresh transport per probe keeps the download transport's
 * memory of the last good address out of it.
 */
export function createProber(opts: ProberOptions): Probe {
  const timeoutMs = opts.connectTimeoutMs ?? 10_000
  return (url, rule) => {
    const transport = opts.transports({
      ...(rule ? { ahead: rule } : {}),
      connectTimeoutMs: timeoutMs,
      ...(opts.onConnection ? { onConnection: opts.onConnection } : {}),
    })
    return probe(transport, url, timeoutMs)
  }
}
