import { rootCertificates } from 'node:tls'

import type { HostRule } from '../../shared/domain.ts'
import type { ConnectionProfile } from '../../shared/profile.ts'

/** Trust anchors for every host, replacing the bundled roots, or undefined for Node's bundled roots. */
export type BaseAnchors = string[] | (() => string[] | undefined) | undefined

/** The anchors for a connection: the download's own (curl's `--cacert`), else the transport's, plus the rule's. */
export function anchorsFor(
  base: BaseAnchors,
  rule: HostRule | undefined,
  profile: ConnectionProfile | undefined,
): string[] | undefined {
  const own = profile?.ca ?? (typeof base === 'function' ? base() : base)
  if (!rule?.ca) return own
  return withExtraCa(own ?? rootCertificates, rule.ca)
}

/** Anchor lists with a rule's extra CA, by base list and CA, so that each is one array and hashed once. */
const extended = new WeakMap<readonly string[], Map<string, string[]>>()

/**
 * The base anchors plus a rule's CA, the same array every time for the same two: the secure-context memo and the
 * pool key hash an anchor list once per array, and a new copy of the bundled roots per connection (or per DoH
 * answer served from the cache) would cost that hash, about a millisecond, every time.
 */
function withExtraCa(base: readonly string[], ca: string): string[] {
  let byCa = extended.get(base)
  if (!byCa) extended.set(base, (byCa = new Map()))
  let list = byCa.get(ca)
  if (!list) {
    if (byCa.size >= 64) byCa.clear()
    byCa.set(ca, (list = [...base, ca]))
  }
  return list
}
