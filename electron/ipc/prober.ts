import type { HostRule } from '../../shared/domain.ts'
import type { ConnectionInfo } from '../transport/connection-info.ts'
import { probe } from '../transport/probe.ts'
import { createTransport } from '../transport/transport.ts'
import type { Probe } from './host-handlers.ts'

export interface ProberOptions {
  /** The saved rules (and any others in force), read at every probe. */
  rules: () => readonly HostRule[]
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
    // findRule keeps the first of equally specific rules, so the rule under test wins over its saved version.
    const rules = (): HostRule[] => (rule ? [rule, ...opts.rules()] : [...opts.rules()])
    const transport = createTransport({
      rules,
      connectTimeoutMs: timeoutMs,
      ...(opts.onConnection ? { onConnection: opts.onConnection } : {}),
    })
    return probe(transport, url, timeoutMs)
  }
}
