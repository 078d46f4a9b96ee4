import { isPinpointError } from '../../shared/pinpoint-error.ts'
import type { ProxyServer } from '../../shared/proxy.ts'
import { isProxyUnreachable } from './proxy-tunnel.ts'
import type { ProxyAnswer, ProxyRoute } from './proxy-setting.ts'

/** A proxy of a failover list that could not be reached, as connection records and messages name it. */
export interface FailedProxy {
  url: string
  code: string
  message: string
}

/** A lookup's answer as the routes to try, in order; never empty (a direct connection is `['direct']`). */
export function routesOf(answer: ProxyAnswer): readonly ProxyRoute[] {
  if (answer === undefined) return ['direct']
  if (!Array.isArray(answer)) return [answer as ProxyServer]
  return answer.length === 0 ? ['direct'] : (answer as readonly ProxyRoute[])
}

/**
 * Connect over the first route that works. The next route is tried only when a proxy could not be reached at
 * all (refused, unreachable, no connection in time, its TLS failed): a proxy that answered, with a 403, a 407
 * or a 502 to CONNECT, gave its verdict, and that verdict is the result. A direct route is tried only when the
 * list names it, and is the last one. A failure after earlier proxies failed names them too.
 */
export async function throughRoutes<T>(
  routes: readonly ProxyRoute[],
  signal: AbortSignal | undefined,
  label: (server: ProxyServer) => string,
  attempt: (server: ProxyServer | undefined, failed: readonly FailedProxy[]) => Promise<T>,
): Promise<T> {
  const failed: FailedProxy[] = []
  for (let i = 0; ; i++) {
    const route = routes[i] as ProxyRoute
    const server = route === 'direct' ? undefined : route
    try {
      return await attempt(server, failed)
    } catch (err) {
      const last = i === routes.length - 1
      if (server && !last && !signal?.aborted && isPinpointError(err) && isProxyUnreachable(err)) {
        failed.push({ url: label(server), code: err.code, message: err.message })
        continue
      }
      if (failed.length > 0 && isPinpointError(err)) {
        err.message = `${err.message} (after ${failed.map((f) => `${f.message} [${f.code}]`).join('; ')})`
      }
      throw err
    }
  }
}
