import { noProxyMatches } from '../../shared/no-proxy.ts'
import { parseProxyAnswer } from '../../shared/proxy-answer.ts'
import { proxyFromEnv } from '../../shared/proxy-env.ts'
import { parseProxyUrl, redactProxyUrl, type ProxyServer, type ProxySetting } from '../../shared/proxy.ts'
import { PinpointError } from '../../shared/pinpoint-error.ts'

/** The proxy for one URL, or undefined for a direct connection. */
export type ProxyLookup = (url: URL) => ProxyServer | undefined | Promise<ProxyServer | undefined>

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
 * "PROXY h:p; SOCKS5 h:p; DIRECT". The first entry we can use is taken; DIRECT first means no proxy.
 */
export function answerProxy(resolve: (url: string) => Promise<string>): ProxyLookup {
  return async (url) => {
    const first = parseProxyAnswer(await resolve(url.href))[0]
    return first?.kind === 'proxy' ? serverFromUrl(first.url, 'the system proxy') : undefined
  }
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
