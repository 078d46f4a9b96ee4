import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http'
import { isIP } from 'node:net'

import { serveTokenCookieName } from '../../shared/serve-token-cookie.ts'

/** The app's CSP (renderer/index.html), plus what only a header can say: no page may frame this one. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/** Sent with every response, the 401 included. No Access-Control-* header ever: no CORS. */
export const SECURITY_HEADERS: OutgoingHttpHeaders = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // The token travels in the first URL; no Referer may carry it elsewhere.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
}

/** 256 random bits, fresh on every start, as Jupyter does. */
export function makeToken(): string {
  return randomBytes(32).toString('base64url')
}

/** The cookie that lets the page's own assets and sockets carry the token; named per port, as cookies ignore ports. */
export function cookieName(port: number): string {
  return serveTokenCookieName(port)
}

export interface Gate {
  token: string
  port: number
  /** The --host the server listens on. */
  host: string
  tls: boolean
}

/** `tokenGiven`: a refused token was presented (an old tab or bookmark), rather than none at all. */
export type Verdict =
  { ok: true; viaQuery: boolean } | { ok: false; status: 401 | 403; reason: string; tokenGiven?: boolean }

/**
 * The checks every HTTP request and WebSocket upgrade passes, in this order: the Host header (DNS rebinding),
 * the Origin (cross-site pages), then the token (query `token`, `Authorization: Bearer`, or the cookie).
 */
export function check(req: IncomingMessage, gate: Gate): Verdict {
  const host = req.headers.host
  if (host === undefined || !hostAllowed(host, gate)) return { ok: false, status: 403, reason: 'unexpected Host' }
  const origin = req.headers.origin
  if (origin !== undefined && !originAllowed(origin, host, gate.tls)) {
    return { ok: false, status: 403, reason: 'cross-origin request refused' }
  }
  const fromQuery = queryToken(req.url)
  const presented = [fromQuery, bearer(req.headers.authorization), cookie(req.headers.cookie, cookieName(gate.port))]
  for (const candidate of presented) {
    if (candidate !== undefined && same(candidate, gate.token)) return { ok: true, viaQuery: candidate === fromQuery }
  }
  const tokenGiven = presented.some((candidate) => candidate !== undefined)
  return { ok: false, status: 401, reason: 'missing or wrong token', tokenGiven }
}

/**
 * Loopback names always; the --host itself when it was named; any IP literal when listening on every
 * interface. A rebinding attack needs a DNS name of the attacker's, which none of these is.
 */
export function hostAllowed(hostHeader: string, gate: Pick<Gate, 'host' | 'port'>): boolean {
  const parsed = splitHost(hostHeader)
  if (!parsed || parsed.port !== gate.port) return false
  const name = parsed.name.toLowerCase()
  if (name === 'localhost' || name === '127.0.0.1' || name === '::1') return true
  if (name === gate.host.toLowerCase()) return true
  const wildcard = gate.host === '0.0.0.0' || gate.host === '::'
  return wildcard && isIP(name) !== 0
}

/** A browser's Origin must be this very server, as the Host named it. */
function originAllowed(origin: string, host: string, tls: boolean): boolean {
  return origin === `${tls ? 'https' : 'http'}://${host}`
}

function splitHost(text: string): { name: string; port: number } | undefined {
  try {
    const url = new URL(`http://${text}`)
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return undefined
    const port = url.port === '' ? 80 : Number(url.port)
    return { name: url.hostname.replace(/^\[|\]$/g, ''), port }
  } catch {
    return undefined
  }
}

function queryToken(url: string | undefined): string | undefined {
  if (url === undefined) return undefined
  return new URL(url, 'http://x').searchParams.get('token') ?? undefined
}

function bearer(header: string | undefined): string | undefined {
  const m = header?.match(/^Bearer (\S+)$/)
  return m?.[1]
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return v.join('=')
  }
  return undefined
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
