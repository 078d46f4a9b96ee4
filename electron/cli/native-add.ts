import { basename } from 'node:path'

import { browserReferrer } from '../../shared/browser-referrer.ts'
import { domainMatches, type Cookie } from '../../shared/cookies.ts'
import type { ControlInput } from '../../shared/ipc.ts'
import type { BrowserCookie, NativeAdd } from '../../shared/native-messages.ts'
import { isServeTokenCookie } from '../../shared/serve-token-cookie.ts'

/** Characters no cookie name or value may hold on the wire (they would split or end the Cookie header). */
const UNSAFE = /[\x00-\x20\x7f;,"\\]/
const HEADER_UNSAFE = /[\r\n\0]/

/**
 * The browser's cookies that belong to this URL's host, as the download's sealed cookies. The extension may
 * hand over the whole cookie jar of a site; only those the browser itself would send to this host are kept, a
 * `secure` one only over https, so a cookie never reaches an origin it was not set for; and never `pinpoint serve`'s
 * token cookie, which the browser gives any server on serve's host.
 */
export function cookiesForUrl(url: URL, cookies: readonly BrowserCookie[]): Cookie[] {
  const host = url.hostname.toLowerCase()
  const out: Cookie[] = []
  for (const c of cookies) {
    const subdomains = c.domain.startsWith('.')
    const domain = (subdomains ? c.domain.slice(1) : c.domain).toLowerCase()
    if (!domainMatches(host, domain, subdomains)) continue
    if (c.secure && url.protocol !== 'https:') continue
    if (!c.name || UNSAFE.test(c.name) || UNSAFE.test(c.value)) continue
    // Serve's own token: the browser holds it for every port of serve's host, and it must reach no other server.
    if (isServeTokenCookie(c.name)) continue
    const cookie: Cookie = { name: c.name, value: c.value, domain, subdomains, path: c.path || '/', secure: c.secure }
    if (c.expires !== undefined && c.expires >= 1) cookie.expires = Math.floor(c.expires)
    out.push(cookie)
  }
  return out
}

/** What the extension's `add` becomes for `control:add`, or why it cannot. */
export function controlAddFor(
  msg: NativeAdd,
  dir: string,
): { ok: true; input: ControlInput<'control:add'> } | { ok: false; reason: string } {
  let url: URL
  try {
    url = new URL(msg.url)
  } catch {
    return { ok: false, reason: 'not a URL' }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, reason: `only http and https downloads can be handed over, not ${url.protocol}` }
  const input: ControlInput<'control:add'> = { urls: [url.href], dir }
  if (msg.filename !== undefined) {
    // The browser's suggestion may carry a folder (its own download subfolder): only the name is taken.
    const name = basename(msg.filename.replaceAll('\\', '/'))
    if (name === '' || name === '.' || name === '..' || name.length > 255)
      return { ok: false, reason: `"${msg.filename}" is not a file name` }
    input.name = name
  }
  const headers: Array<{ name: string; value: string }> = []
  const referrer = browserReferrer(msg.referrer)
  if (referrer) headers.push({ name: 'referer', value: referrer })
  if (msg.userAgent && !HEADER_UNSAFE.test(msg.userAgent)) headers.push({ name: 'user-agent', value: msg.userAgent })
  if (headers.length > 0) input.profile = { rules: [], headers }
  const cookies = cookiesForUrl(url, msg.cookies ?? [])
  if (cookies.length > 0) input.secrets = { cookies }
  return { ok: true, input }
}
