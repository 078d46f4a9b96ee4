import { ConnectionSummary } from '../../shared/connection.ts'
import type { ConnectionInfo } from '../transport/connection-info.ts'
import type { Transport } from '../transport/transport.ts'

/** The row-sized part of a connection, as the store keeps it (JSON) and every view shows it. */
export function summarize(info: ConnectionInfo): ConnectionSummary {
  return {
    address: info.address,
    port: info.port,
    servername: info.servername,
    protocol: info.protocol,
    verified: info.verified,
    ...(info.pinned === undefined ? {} : { pinned: info.pinned }),
  }
}

/**
 * The stored summary, or null when there is none or it does not parse: a bad column must cost one badge, never
 * the whole `transfers:list` (whose output is schema-checked).
 */
export function readSummary(json: string | null): ConnectionSummary | null {
  if (json === null) return null
  try {
    const parsed = ConnectionSummary.safeParse(JSON.parse(json))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/**
 * The transport as one transfer sees it: every connection it completes is also reported to `onConnection`.
 *
 * The transport's own `onConnection` knows only the URL, and two transfers may share one; wrapping it per run
 * ties each connection to the transfer that made it, without the engine knowing.
 */
export function reportingTransport(transport: Transport, onConnection: (info: ConnectionInfo) => void): Transport {
  return {
    target: (url, profile) => transport.target(url, profile),
    async connect(url, signal, opts) {
      const connection = await transport.connect(url, signal, opts)
      onConnection(connection.info)
      return connection
    },
    release: (conn) => transport.release(conn),
    headTimeoutMs: transport.headTimeoutMs,
  }
}
