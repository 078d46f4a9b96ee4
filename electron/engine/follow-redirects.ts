import { PinpointError } from '../../shared/pinpoint-error.ts'
import { redactUrl } from '../../shared/redact-url.ts'
import { httpRequest, type HttpResponse } from '../transport/http-request.ts'
import type { Transport } from '../transport/transport.ts'
import { headersFor, type RequestExtras } from './request-extras.ts'

export const MAX_REDIRECTS = 20
const REDIRECT = new Set([301, 302, 303, 307, 308])

export interface Followed {
  res: HttpResponse
  finalUrl: URL
  /** Every URL visited, the first one included. */
  chain: string[]
}

export interface FollowOptions {
  headers?: Record<string, string>
  signal?: AbortSignal
  idleTimeoutMs?: number
  /** https → http only with the user's consent. */
  allowDowngrade?: boolean
  /** HEAD asks for the head only (a preview of the file); GET by default. */
  method?: 'GET' | 'HEAD'
  /** The download's own headers, credentials and cookies, each sent where it may go (see request-extras.ts). */
  extras?: RequestExtras
}

/**
 * GET a URL, following its redirects only as far as is safe.
 *
 * Only http and https targets are followed (a `file:` or app-scheme Location is an attack, CVE-2009-0037),
 * at most 20 hops, never https → http without consent. Each hop is a new transport connection, so the host
 * rules (addresses, SNI, pins) of the new host apply, never those of the old one; and `Authorization` from
 * the URL's user info is sent to the original origin only (CVE-2022-27774).
 */
export async function getFollowing(transport: Transport, start: URL, opts: FollowOptions = {}): Promise<Followed> {
  const origin = start.origin
  const auth = basicAuth(start)
  // From here on the URL carries no userinfo, so no chain, final URL or message can show it.
  let url = withoutCredentials(start)
  const chain = [url.href]
  for (let hop = 0; ; hop++) {
    const extra = headersFor(url, opts.extras, Date.now())
    const headers = {
      ...extra.set,
      ...(auth && url.origin === origin ? { authorization: auth } : {}),
      ...opts.headers,
    }
    const res = await httpRequest(transport, {
      url,
      ...(opts.method ? { method: opts.method } : {}),
      headers,
      ...(extra.omit.length > 0 ? { omit: extra.omit } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.idleTimeoutMs ? { idleTimeoutMs: opts.idleTimeoutMs } : {}),
    })
    const location = res.headers.location
    if (!REDIRECT.has(res.status) || typeof location !== 'string') return { res, finalUrl: url, chain }
    await res.close()
    const host = res.connection.host
    let next: URL
    try {
      // Userinfo in a Location is never sent (only the original URL's is, to its origin), nor shown.
      next = withoutCredentials(new URL(location, url))
    } catch {
      throw new PinpointError('REDIRECT_BLOCKED', `${host}: redirect to an invalid URL "${redactUrl(location)}"`, {
        host,
      })
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new PinpointError(
        'REDIRECT_BLOCKED',
        `${host}: redirect to ${next.protocol} refused (http and https only)`,
        {
          host,
        },
      )
    }
    if (url.protocol === 'https:' && next.protocol === 'http:' && !opts.allowDowngrade) {
      throw new PinpointError(
        'REDIRECT_BLOCKED',
        `${host}: redirect from https to plain http refused: ${redactUrl(next)}`,
        {
          host,
        },
      )
    }
    chain.push(next.href)
    if (hop + 1 > MAX_REDIRECTS) {
      throw new PinpointError(
        'TOO_MANY_REDIRECTS',
        `more than ${MAX_REDIRECTS} redirects: ${chain.map((u) => redactUrl(u)).join(' → ')}`,
        {
          host,
        },
      )
    }
    url = next
  }
}

function basicAuth(url: URL): string | undefined {
  if (!url.username && !url.password) return undefined
  const user = decodeURIComponent(url.username)
  const pass = decodeURIComponent(url.password)
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`
}

function withoutCredentials(url: URL): URL {
  if (!url.username && !url.password) return url
  const copy = new URL(url)
  copy.username = ''
  copy.password = ''
  return copy
}
