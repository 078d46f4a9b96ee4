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

/**
 * Set the connection's IP_TOS (IPv4) or IPV6_TCLASS (IPv6) byte through Node's `socket.setTypeOfService`, where
 * the runtime has it (Node 24 does; older runtimes, and so some Electron versions, do not), and say why not
 * otherwise. Never throws: a mark is a hint to the network, and a download must not fail for want of one.
 *
 * Over TLS the socket Node hands back wraps its TCP handle, and setting the byte there only records it without
 * reaching the kernel, so TLS connections are reported as unmarked rather than claimed.
 */
export function markTraffic(socket: Duplex, tos: number): TrafficMark {
  const dscp = tos === CS1_TOS ? 'CS1' : 'default'
  const s = socket as Duplex & TosSocket
  if (typeof s.setTypeOfService !== 'function') {
    return { dscp, applied: false, note: 'this runtime has no socket.setTypeOfService, and no native module sets it' }
  }
  if (socket instanceof TLSSocket) {
    return { dscp, applied: false, note: "the runtime does not pass a TLS socket's traffic class to its TCP socket" }
  }
  try {
    s.setTypeOfService(tos)
    const got = s.getTypeOfService?.()
    if (got !== undefined && got !== tos) return { dscp, applied: false, note: `the socket kept traffic class ${got}` }
    return { dscp, applied: true }
  } catch (err) {
    return { dscp, applied: false, note: `setting the traffic class failed: ${(err as Error).message}` }
  }
}
