import { noProxyMatches } from './no-proxy.ts'

/** What the environment says for one URL: the proxy URL to use (as written, credentials and all), or none. */
export type EnvProxy = { url: string; from: string } | undefined

/**
 * The proxy the environment names for `url`, as curl reads it: `http_proxy` for http:// URLs (the upper-case
 * name is read too, after the lower-case one), `HTTPS_PROXY`/`https_proxy` for https://, `ALL_PROXY`/`all_proxy`
 * for either when the scheme's own is unset, and no proxy at all for a host `NO_PROXY`/`no_proxy` exempts.
 * An empty variable counts as unset.
 */
export function proxyFromEnv(env: Record<string, string | undefined>, url: URL): EnvProxy {
  const pick = (...names: string[]) => {
    for (const name of names) {
      const value = env[name]?.trim()
      if (value) return { url: value, from: name }
    }
    return undefined
  }
  const secure = url.protocol === 'https:'
  const chosen = secure
    ? pick('https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY')
    : pick('http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY')
  if (!chosen) return undefined
  const noProxy = pick('no_proxy', 'NO_PROXY')
  const port = url.port ? Number(url.port) : secure ? 443 : 80
  if (noProxy && noProxyMatches(noProxy.url, url.hostname, port)) return undefined
  return chosen
}
