import type { Priority } from '../../shared/priority.ts'
import { BACKGROUND_READ_BYTES, type BackgroundRate } from '../engine/background-rate.ts'
import { CS1_TOS, markTraffic } from '../transport/traffic-class.ts'
import type { Connection, Transport } from '../transport/transport.ts'
import { timeFirstByte } from './connection-summary.ts'

/** Sockets this process marked CS1, so a normal transfer handed one kept alive clears the mark. */
const marked = new WeakSet<object>()

/**
 * The transport as a transfer of `priority` sees it. A background transfer's connections are marked DSCP CS1
 * (where the runtime can; the connection info says when it cannot), and the time to each response's first byte
 * is a delay sample for the background controller. A normal transfer handed a connection a background one left
 * marked gets the mark cleared, so kept-alive connections never carry another transfer's priority.
 */
export function priorityTransport(transport: Transport, priority: Priority, background?: BackgroundRate): Transport {
  return {
    target: (url, profile) => transport.target(url, profile),
    async connect(url, signal, opts) {
      const conn: Connection = await transport.connect(url, signal, opts)
      // Background reads come in small pieces: each read opens the TCP window by as much, and the sender sends that
      // at once into the link's queue. A kept-alive connection a background transfer used reads whole again.
      conn.relay.readSize(priority === 'background' ? BACKGROUND_READ_BYTES : null)
      if (priority === 'background') {
        conn.info.trafficClass = markTraffic(conn.socket, CS1_TOS)
        if (conn.info.trafficClass.applied) marked.add(conn.socket)
        const { host, address, port } = conn.info
        if (background) timeFirstByte(conn, (ms) => background.sample(host, address, port, ms))
      } else if (marked.has(conn.socket)) {
        conn.info.trafficClass = markTraffic(conn.socket, 0)
        if (conn.info.trafficClass.applied) marked.delete(conn.socket)
      }
      return conn
    },
    release: (conn) => transport.release(conn),
    headTimeoutMs: transport.headTimeoutMs,
  }
}
