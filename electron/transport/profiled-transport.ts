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
  return {
    target: (url) => transport.target(url, profile),
    connect: (url, signal, opts) =>
      transport.connect(url, signal, {
        ...opts,
        ...(profile ? { profile } : {}),
        // A node the caller names (a segment spread over several nodes) wins over the download's last one.
        ...(opts?.prefer === undefined && prefer !== undefined ? { prefer } : {}),
      }),
    release: (conn) => transport.release(conn),
    get headTimeoutMs() {
      return transport.headTimeoutMs
    },
  }
}
