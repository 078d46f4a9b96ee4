import { z } from 'zod'

/**
 * One cookie to send: from a `name=value` list (for the download's own host, any path) or from a Netscape
 * cookie file line (its own domain, path, secure flag and expiry).
 */
export const Cookie = z.strictObject({
  name: z.string().max(4096),
  value: z.string().max(8192),
  /** Lower-case, without a leading dot; absent: the download's own host only. */
  domain: z.string().max(260).optional(),
  /** With a Netscape file's TRUE flag: the domain's subdomains too. */
  subdomains: z.boolean().optional(),
  path: z.string().max(4096).default('/'),
  secure: z.boolean().default(false),
  /** Seconds since the epoch; absent or 0: a session cookie, never expired. */
  expires: z.number().int().nonnegative().optional(),
})
export type Cookie = z.output<typeof Cookie>

const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** RFC 6265 cookie-octets, and DQUOTE around them. */
const VALUE = /^("?)[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*\1$/

/** curl's `-b 'a=1; b=2'`; a malformed pair is refused by name, never sent half-way. */
export function parseCookieString(text: string): Cookie[] {
  const out: Cookie[] = []
  for (const part of text.split(';')) {
    const pair = part.trim()
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const name = eq < 0 ? '' : pair.slice(0, eq).trim()
    const value = eq < 0 ? '' : pair.slice(eq + 1).trim()
    if (!NAME.test(name)) throw new Error(`"${pair}" is not a name=value cookie`)
    if (!VALUE.test(value)) throw new Error(`the value of cookie ${name} has a character a cookie cannot hold`)
    out.push({ name, value, path: '/', secure: false })
  }
  return out
}

/**
 * A Netscape cookie file (curl's `-c` output, browsers' exports): tab-separated domain, include-subdomains,
 * path, secure, expiry, name, value. `#HttpOnly_` lines are cookies; other `#` lines and blank lines are
 * comments. A line that is not seven fields is refused with its number, as a file that is not a cookie file
 * at all must not be read as one.
 */
export function parseNetscapeCookies(text: string): Cookie[] {
  const out: Cookie[] = []
  const lines = text.split(/\r?\n/)
  for (const [i, raw] of lines.entries()) {
    let line = raw
    if (line.startsWith('#HttpOnly_')) line = line.slice('#HttpOnly_'.length)
    else if (line.startsWith('#') || line.trim() === '') continue
    const f = line.split('\t')
    if (f.length !== 7) throw new Error(`line ${i + 1}: expected 7 tab-separated fields, got ${f.length}`)
    const [domain = '', sub = '', path = '', secure = '', expires = '', name = '', value = ''] = f
    const exp = Number(expires)
    if (!Number.isInteger(exp) || exp < 0) throw new Error(`line ${i + 1}: bad expiry "${expires}"`)
    if (!NAME.test(name)) throw new Error(`line ${i + 1}: bad cookie name "${name}"`)
    if (!VALUE.test(value)) throw new Error(`line ${i + 1}: the value of ${name} has a character a cookie cannot hold`)
    out.push({
      name,
      value,
      domain: domain.toLowerCase().replace(/^\./, ''),
      subdomains: sub.toUpperCase() === 'TRUE' || domain.startsWith('.'),
      path: path || '/',
      secure: secure.toUpperCase() === 'TRUE',
      ...(exp > 0 ? { expires: exp } : {}),
    })
  }
  return out
}

/**
 * The cookies that go with a request to `url` (RFC 6265 §5.4): the domain matches (exactly, or as a parent
 * when the cookie is for subdomains), the path matches on a `/` boundary, a secure cookie only over https, and
 * an expired one never. `now` is in milliseconds.
 */
export function cookiesFor(url: URL, cookies: readonly Cookie[], now: number): Cookie[] {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '')
  return cookies.filter((c) => {
    if (c.domain !== undefined && !domainMatches(host, c.domain, c.subdomains === true)) return false
    if (c.secure && url.protocol !== 'https:') return false
    if (c.expires !== undefined && c.expires * 1000 <= now) return false
    return pathMatches(url.pathname || '/', c.path)
  })
}

/** Whether a cookie for `domain` (lower-case, no leading dot) goes to `host`: exactly, or as a parent for subdomains. */
export function domainMatches(host: string, domain: string, subdomains: boolean): boolean {
  return host === domain || (subdomains && host.endsWith(`.${domain}`))
}

function pathMatches(path: string, cookiePath: string): boolean {
  if (path === cookiePath) return true
  if (!path.startsWith(cookiePath)) return false
  return cookiePath.endsWith('/') || path[cookiePath.length] === '/'
}

/** The Cookie header value, or undefined when there is none to send. */
export function cookieHeader(cookies: readonly Cookie[]): string | undefined {
  return cookies.length === 0 ? undefined : cookies.map((c) => `${c.name}=${c.value}`).join('; ')
}
