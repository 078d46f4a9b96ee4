import type { ConnectionProfile } from '../../shared/profile.ts'
import { noProxyMatches } from '../../shared/no-proxy.ts'
import type { ResolvedProxy } from '../../shared/proxy.ts'
import { routesOf } from './proxy-failover.ts'
import type { ProxyLookup, ProxyRoute } from './proxy-setting.ts'
import type { Target } from './target.ts'

/**
 * The proxies for a connection, most specific first: the download's own (unless its `--noproxy` list exempts
 * the host), then its host's rule, then the app's setting or the environment (which may give a failover list).
 * `direct` at any level means none.
 */
export async function proxyFor(
  target: Target,
  profile: ConnectionProfile | undefined,
  global: ProxyLookup | undefined,
): Promise<readonly ProxyRoute[]> {
  if (profile?.noProxy && noProxyMatches(profile.noProxy, target.host, target.port)) return ['direct']
  const own = profile?.proxy ?? target.rule?.proxy
  if (own !== undefined) return [own]
  return routesOf(global ? await global(target.url) : undefined)
}

/** HTTP proxies and `socks5h` take the name and resolve it themselves; `socks5` is handed addresses. */
export function resolvesNames(proxy: ResolvedProxy): boolean {
  return proxy.scheme !== 'socks5'
}
