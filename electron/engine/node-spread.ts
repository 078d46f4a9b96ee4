import type { ConnectionProfile } from '../../shared/profile.ts'
import type { Store } from '../store/open-store.ts'
import type { TransferRow } from '../store/transfer-row.ts'
import type { Transport } from '../transport/transport.ts'

/** What the engine knows of a host's measured nodes, and how it asks for a new measurement. */
export interface NodeRanking {
  /** The host's nodes, best first, while their measurement is fresh; undefined otherwise. */
  ranked(host: string, port: number): readonly string[] | undefined
  /**
   * A transfer to `url` starts: a stale measurement of its host is taken again in the background. Returns at
   * once and never throws, so the transfer neither waits for it nor fails by it.
   */
  transferStarts?(url: URL, profile: ConnectionProfile | undefined): void
}

/**
 * The nodes one transfer's segments are spread over: the top `count` of the host's fresh ranking, then (when the
 * ranking has fewer, or there is none) the addresses of the host's rule in their order. Fewer than two means no
 * spreading: the transport picks the node as for any download.
 */
export function spreadNodes(transport: Transport, ranking: NodeRanking | undefined, url: URL, count: number): string[] {
  const target = transport.target(url)
  const nodes = [...(ranking?.ranked(target.host, target.port) ?? [])]
  for (const a of target.rule?.addresses ?? []) if (!nodes.includes(a)) nodes.push(a)
  const top = nodes.slice(0, count)
  return top.length > 1 ? top : []
}

/**
 * The node the transfer's latest accepted connection went to (an IPv4 original for a NAT64 address). A row with
 * no last connection has none in its history either (the queue records the two together), so a transfer's first
 * attempt does not read it.
 */
export function lastNode(store: Store, row: TransferRow): string | undefined {
  if (row.lastConnection === null) return undefined
  const last = store.connections.list(row.id, 8).findLast((c) => c.info.refused === undefined)
  if (!last) return undefined
  const won = last.info.attempts.find((a) => a.outcome === 'won')
  return won?.nat64?.from ?? last.info.address
}
