import { noProxyMatches } from '../../shared/no-proxy.ts'
import { parseProxyAnswer } from '../../shared/proxy-answer.ts'
import { proxyFromEnv } from '../../shared/proxy-env.ts'
import { parseProxyUrl, redactProxyUrl, type ProxyServer, type ProxySetting } from '../../shared/proxy.ts'
import { PinpointError } from '../../shared/pinpoint-error.ts'

/** One entry of a failover list: a proxy, or a direct connection. */
export type ProxyRoute = ProxyServer | 'direct'

/**
 * The proxy for one URL: one server, undefined for a direct connection, or a list tried in order (a PAC
 * answer's "PROXY a:1; PROXY b:2; DIRECT"), where a later entry is used only when the proxy before it
 * cannot be reached.
 */
export type ProxyAnswer = ProxyServer | readonly ProxyRoute[] | undefined

export type ProxyLookup = (url: URL) => ProxyAnswer | Promise<ProxyAnswer>

/**
 * A proxy URL as the environment or a PAC answer gives it, credentials and all, as a stored server: the
 * credentials move beside the URL so that the URL can be shown and recorded.
 */
export function serverFromUrl(text: string, where: string): ProxyServer {
  const parsed = parseProxyUrl(text)
  if (!parsed.ok) throw new PinpointError('BAD_INPUT', `${where}: ${parsed.error}`)
  const { scheme, host, port, user, password } = parsed.proxy
  return {
    url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { password }),
  }
}

/** The system's proxy outside the app (the CLI, `serve`): the environment, as curl reads it. */
export function envProxy(env: Record<string, string | undefined>): ProxyLookup {
  return (url) => {
    const found = proxyFromEnv(env, url)
    return found ? serverFromUrl(found.url, `the ${found.from} variable (${redactProxyUrl(found.url)})`) : undefined
  }
}

/**
 * The system's proxy in the app: Chromium's answer for the URL (the OS settings, a PAC script included), e.g.
 * "PROXY h:p; SOCKS5 h:p; DIRECT", as a failover list; DIRECT first means no proxy.
 */
export function answerProxy(resolve: (url: string) => Promise<string>): ProxyLookup {
  return async (url) => routesFromAnswer(await resolve(url.href))
}

/**
 * A PAC-style answer as the routes to try, in order: every usable proxy up to the first DIRECT, and that DIRECT
 * as the last resort when the answer lists one. Nothing after a DIRECT is ever reached, since a direct
 * connection that fails is the server's failure, not a proxy's. Undefined: direct.
 */
export function routesFromAnswer(answer: string): readonly ProxyRoute[] | undefined {
  const routes: ProxyRoute[] = []
  for (const entry of parseProxyAnswer(answer)) {
    if (entry.kind === 'direct') {
      routes.push('direct')
      break
    }
    // An entry that does not parse (a port out of range) is skipped like a kind we do not speak.
    if (parseProxyUrl(entry.url).ok) routes.push(serverFromUrl(entry.url, 'the system proxy'))
  }
  return routes.length === 0 || routes[0] === 'direct' ? undefined : routes
}

/** The app's proxy setting for one URL: none, its manual server unless `noProxy` exempts the host, or the system's. */
export function settingProxy(setting: () => ProxySetting, system: ProxyLookup): ProxyLookup {
  return (url) => {
    const s = setting()
    if (s.mode === 'none') return undefined
    if (s.mode === 'system') return system(url)
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80
    return noProxyMatches(s.noProxy, url.hostname, port) ? undefined : s.server
  }
}
