import { ConnectionSummary } from '../../shared/connection.ts'
import type { ConnectionInfo } from '../transport/connection-info.ts'
import { refusedConnection } from '../transport/refused.ts'
import type { Connection, Transport } from '../transport/transport.ts'

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
  // Every view of a transfer reads its summary, and the downloads sharing a kept-alive connection store the same
  // text: each text is validated once and the frozen result shared.
  const known = summaries.get(json)
  if (known !== undefined) return known
  let summary: ConnectionSummary | null
  try {
    const parsed = ConnectionSummary.safeParse(JSON.parse(json))
    summary = parsed.success ? Object.freeze(parsed.data) : null
  } catch {
    summary = null
  }
  if (summaries.size >= MAX_SUMMARIES) summaries.delete(summaries.keys().next().value as string)
  summaries.set(json, summary)
  return summary
}
const summaries = new Map<string, ConnectionSummary | null>()
const MAX_SUMMARIES = 256

/** What a transfer is told of its connections: each one it is handed, and each handshake refused for it. */
export interface ConnectionReports {
  /** A connection handed to the transfer: a new one, or one kept alive from an earlier request (`conn.reused`). */
  connected(conn: Connection): void
  /** A handshake the transport refused (pin mismatch, certificate error): no request was sent on it. */
  refused(info: ConnectionInfo): void
}

/**
 * The transport as one transfer sees it: every connection it is handed, and every handshake refused for it, is
 * reported.
 *
 * The transport's own `onConnection` knows only the URL, and two transfers may share one; wrapping it per run
 * ties each connection to the transfer that made it, without the engine knowing.
 */
export function reportingTransport(transport: Transport, reports: ConnectionReports): Transport {
  return {
    target: (url, profile) => transport.target(url, profile),
    async connect(url, signal, opts) {
      let connection: Connection
      try {
        connection = await transport.connect(url, signal, opts)
      } catch (err) {
        const refused = refusedConnection(err)
        if (refused) reports.refused(refused)
        throw err
      }
      reports.connected(connection)
      return connection
    },
    release: (conn) => transport.release(conn),
    headTimeoutMs: transport.headTimeoutMs,
  }
}

/**
 * Call `onFirstByte` with the milliseconds from now to the first byte read on `conn` for its next reader.
 *
 * Only the next `attach` is wrapped, and the wrapper takes itself off at that attach: a reader attached later
 * (the connection kept alive for another request) finds the relay as it was. A wrapper left behind per request
 * would make every later attach walk all of them, and the connection would hold them for its life.
 */
export function timeFirstByte(conn: Connection, onFirstByte: (ms: number) => void): void {
  const started = performance.now()
  const relay = conn.relay
  // Another wrapper may be waiting too (each transfer's history and the background sampler time a request);
  // each puts back exactly what it shadowed.
  const shadowed = Object.hasOwn(relay, 'attach')
  const previous = relay.attach
  relay.attach = (target) => {
    if (shadowed) relay.attach = previous
    else Reflect.deleteProperty(relay, 'attach')
    let waiting = true
    previous.call(relay, (buf, n) => {
      if (waiting) {
        waiting = false
        onFirstByte(Math.round((performance.now() - started) * 10) / 10)
      }
      return target(buf, n)
    })
  }
}
