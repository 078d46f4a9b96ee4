import type { ConnectionProfile } from '../../shared/profile.ts'
import type { Transport } from './transport.ts'

/**
 * The transport as one download sees it: every connection it makes, redirects and ranges included, is made
 * under the download's own profile (over the saved host rules). With no profile it is the transport itself.
 */
export function profiledTransport(
  transport: Transport,
  profile: ConnectionProfile | undefined,
  /** The node this download used last, tried first so a resume goes back to the same server. */
  prefer?: string,
): Transport {
  if (!profile && prefer === undefined) return transport
  // The node this download is on: once a connection fails over from it, the node that answered instead is
  // tried first, so each later connection of the download does not wait on the dead node again.
  let current = prefer
  return {
    target: (url) => transport.target(url, profile),
    connect: async (url, signal, opts) => {
      const own = opts?.prefer === undefined && current !== undefined ? current : undefined
      const conn = await transport.connect(url, signal, {
        ...opts,
        ...(profile ? { profile } : {}),
        // A node the caller names (a segment spread over several nodes) wins over the download's last one.
        ...(own !== undefined ? { prefer: own } : {}),
      })
      if (own !== undefined && current === own) {
        const failedOver = conn.info.attempts.some(
          (a) => (a.nat64?.from ?? a.address) === own && a.outcome === 'failed',
        )
        const won = conn.info.attempts.find((a) => a.outcome === 'won')
        if (failedOver) current = won?.nat64?.from ?? conn.info.address
      }
      return conn
    },
    release: (conn) => transport.release(conn),
    get headTimeoutMs() {
      return transport.headTimeoutMs
    },
  }
}
