import { anchorsKey } from './memo.ts'
import type { ProxyRoute } from './proxy-setting.ts'
import type { Target } from './target.ts'

/** The pool key: the target as the rules made it (address rule, SNI, pins, pin mode, trust) and the anchors. */
export function keyOf(target: Target, ca: readonly string[] | undefined, alpn: readonly string[] | undefined): string {
  const anchors = anchorsKey(ca)
  const { secure, host, port, servername, logicalName, rule } = target
  return JSON.stringify([secure, host, port, servername ?? null, logicalName, rule ?? null, anchors, alpn ?? null])
}

/**
 * The key an idle connection must match to serve a request: `keyOf`, plus the node asked for and the proxies.
 *
 * The node a download or a measurement asks for is part of the key: an idle connection to another node of the
 * host (a slower one, say) must not stand in for it. The proxies, with their credentials and anchors, are part of
 * the key too: a connection through one proxy (or none) never stands in for one through another; one made under
 * a failover list stands in for that list.
 */
export function poolKeyOf(
  target: Target,
  ca: readonly string[] | undefined,
  alpn: readonly string[] | undefined,
  wanted: string | undefined,
  routes: readonly ProxyRoute[],
): string {
  const viaProxy =
    routes.length === 1 && routes[0] === 'direct'
      ? ''
      : ` via ${JSON.stringify(routes.length === 1 ? routes[0] : routes)}`
  return `${keyOf(target, ca, alpn)}${wanted === undefined ? '' : ` ${wanted}`}${viaProxy}`
}
