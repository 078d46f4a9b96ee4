import { cookieHeader, cookiesFor, type Cookie } from '../../shared/cookies.ts'
import type { ExtraHeader } from '../../shared/extra-headers.ts'
import type { ConnectionProfile } from '../../shared/profile.ts'
import type { TransferSecrets } from '../../shared/transfer-secrets.ts'
import type { Store } from '../store/open-store.ts'
import { findRule } from '../transport/host-rules.ts'

/**
 * What a download adds to each of its requests: the user's plain headers everywhere, and its secrets (Basic or
 * Bearer credentials, secret headers, cookies) to its own origin only, as curl does since CVE-2022-27776: a
 * redirect to another scheme, host or port gets no Authorization and no Cookie.
 */
export interface RequestExtras {
  /** The origin of the URL the user gave: the only one that receives the secrets. */
  origin: string
  plain: readonly ExtraHeader[]
  secret: readonly ExtraHeader[]
  cookies: readonly Cookie[]
  /**
   * The secrets the saved host rule for a URL's host gives (undefined: none), sent to that host whichever
   * download or hop asks; the download's own win over them on its own origin.
   */
  forHost?: ((url: URL) => TransferSecrets | undefined) | undefined
}

export interface HeadersForUrl {
  set: Record<string, string>
  /** Default headers to leave out (`-H 'Name:'`). */
  omit: string[]
}

export function requestExtras(
  origin: string,
  profile: ConnectionProfile | undefined,
  secrets: TransferSecrets | undefined,
  forHost?: (url: URL) => TransferSecrets | undefined,
): RequestExtras | undefined {
  const secret = secretHeaders(secrets)
  const plain = profile?.headers ?? []
  const cookies = secrets?.cookies ?? []
  if (plain.length === 0 && secret.length === 0 && cookies.length === 0 && !forHost) return undefined
  return { origin, plain, secret, cookies, forHost }
}

/** Authorization from Basic or Bearer credentials, and the secret headers. */
function secretHeaders(secrets: TransferSecrets | undefined): ExtraHeader[] {
  const secret: ExtraHeader[] = [...(secrets?.headers ?? [])]
  const auth =
    secrets?.bearer !== undefined
      ? `Bearer ${secrets.bearer}`
      : secrets?.username !== undefined || secrets?.password !== undefined
        ? `Basic ${Buffer.from(`${secrets.username ?? ''}:${secrets.password ?? ''}`).toString('base64')}`
        : undefined
  // A header the user set by name wins over the one made from credentials, as with curl's `-H Authorization:`.
  if (auth && !secret.some((h) => h.name === 'authorization')) secret.push({ name: 'authorization', value: auth })
  return secret
}

/** The headers for one request to `url`; `now` (ms) decides which cookies have expired. */
export function headersFor(url: URL, extras: RequestExtras | undefined, now: number): HeadersForUrl {
  const out: HeadersForUrl = { set: {}, omit: [] }
  if (!extras) return out
  const own = url.origin === extras.origin
  const apply = (h: ExtraHeader) => {
    if (h.value === null) out.omit.push(h.name)
    else out.set[h.name] = h.value
  }
  extras.plain.forEach(apply)
  const host = extras.forHost?.(url)
  const hostAuth = secretHeaders(host)
  // The download's own credentials replace the rule's on its origin; its cookies and headers add to them.
  const ownAuth = own && extras.secret.some((h) => h.name === 'authorization')
  hostAuth.filter((h) => !(ownAuth && h.name === 'authorization')).forEach(apply)
  if (own) extras.secret.forEach(apply)
  const jar = cookieHeader(cookiesFor(url, [...(host?.cookies ?? []), ...(own ? extras.cookies : [])], now))
  if (jar !== undefined) out.set['cookie'] = out.set['cookie'] ? `${out.set['cookie']}; ${jar}` : jar
  return out
}

/**
 * The secrets of the saved host rule for the URL's host and port, or none; ones this process cannot open (the
 * desktop app's, in the CLI) are skipped rather than stopping the download: the server's 401 says what is missing.
 */
export function hostRuleSecrets(store: Store, url: URL): TransferSecrets | undefined {
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80
  const rule = findRule(store.hostRules.list(), url.hostname, port)
  if (!rule) return undefined
  try {
    return store.hostSecrets.get(rule.pattern, rule.port)
  } catch {
    return undefined
  }
}
