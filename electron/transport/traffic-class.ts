import type { Duplex } from 'node:stream'
import { TLSSocket } from 'node:tls'

/** DSCP CS1 ("lower effort", RFC 8622 keeps it as the fallback), shifted into the TOS / traffic-class byte. */
export const CS1_TOS = 8 << 2

/** How a connection was marked for a priority: the traffic-class byte asked for, and whether it took. */
export interface TrafficMark {
  dscp: 'CS1' | 'default'
  applied: boolean
  /** Why the mark could not be set; absent when it was. */
  note?: string
}

interface TosSocket {
  setTypeOfService?: (tos: number) => unknown
  getTypeOfService?: () => number
}

/** The TCP handle under a TLS socket, whose own calls return an errno (0 for success) instead of throwing. */
interface TcpHandle {
  setTypeOfService?: (tos: number) => number
  getTypeOfService?: () => number
}

/**
 * Set the connection's IP_TOS (IPv4) or IPV6_TCLASS (IPv6) byte through Node's `socket.setTypeOfService`, where
 * the runtime has it (Node 24 does; older runtimes, and so some Electron versions, do not), and say why not
 * otherwise. Never throws: a mark is a hint to the network, and a download must not fail for want of one.
 *
 * Over TLS, `setTypeOfService` on the TLS socket only records the byte (its handle is the TLS layer), so the mark
 * goes on the TCP handle beneath it, which Node keeps as the TLS handle's `_parent`. That is not a public API:
 * where a runtime lays it out otherwise, the connection is reported unmarked, and the mark is read back from the
 * kernel before it is claimed.
 */
export function markTraffic(socket: Duplex, tos: number): TrafficMark {
  const dscp = tos === CS1_TOS ? 'CS1' : 'default'
  const s = socket as Duplex & TosSocket
  if (typeof s.setTypeOfService !== 'function') {
    return { dscp, applied: false, note: 'this runtime has no socket.setTypeOfService, and no native module sets it' }
  }
  if (socket instanceof TLSSocket) return markTcpUnderTls(socket, tos, dscp)
  try {
    s.setTypeOfService(tos)
    const got = s.getTypeOfService?.()
    if (got !== undefined && got !== tos) return { dscp, applied: false, note: `the socket kept traffic class ${got}` }
    return { dscp, applied: true }
  } catch (err) {
    return { dscp, applied: false, note: `setting the traffic class failed: ${(err as Error).message}` }
  }
}

function markTcpUnderTls(socket: TLSSocket, tos: number, dscp: TrafficMark['dscp']): TrafficMark {
  const tcp = (socket as unknown as { _handle?: { _parent?: TcpHandle } | null })._handle?._parent
  if (typeof tcp?.setTypeOfService !== 'function' || typeof tcp.getTypeOfService !== 'function') {
    return { dscp, applied: false, note: "this runtime does not expose a TLS socket's TCP handle to mark" }
  }
  try {
    const err = tcp.setTypeOfService(tos)
    if (err !== 0) return { dscp, applied: false, note: `setting the traffic class failed (error ${err})` }
    const got = tcp.getTypeOfService()
    return got === tos
      ? { dscp, applied: true }
      : { dscp, applied: false, note: `the socket kept traffic class ${got}` }
  } catch (err) {
    return { dscp, applied: false, note: `setting the traffic class failed: ${(err as Error).message}` }
  }
}
