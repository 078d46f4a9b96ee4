import { z } from 'zod'

import { parsePins } from './pins.ts'

/** The proxy kinds curl names by scheme: `socks5` resolves names locally, `socks5h` lets the proxy resolve them. */
export type ProxyScheme = 'http' | 'https' | 'socks5' | 'socks5h'

/** A proxy URL taken apart; `user`/`password` only when the URL carried them. */
export interface ParsedProxyUrl {
  scheme: ProxyScheme
  host: string
  port: number
  user?: string
  password?: string
}

export type ProxyUrlParse = { ok: true; proxy: ParsedProxyUrl } | { ok: false; error: string }

const DEFAULT_PORTS: Record<ProxyScheme, number> = { http: 1080, https: 443, socks5: 1080, socks5h: 1080 }

/**
 * Parse a proxy as curl's `-x` takes it: `scheme://[user:pass@]host[:port]`, or a bare `host[:port]` meaning an
 * HTTP proxy. The port defaults to 1080 like curl's, 443 for an HTTPS proxy. Only a bare `/` may follow the
 * authority: a path would be silently dropped, so it is refused instead.
 */
export function parseProxyUrl(text: string): ProxyUrlParse {
  const trimmed = text.trim()
  if (trimmed === '') return { ok: false, error: 'empty proxy: expected [scheme://]host[:port]' }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`
  let url: URL
  try {
    // Parsed under a scheme with no default port, so an explicit `:80` or `:443` stays in `url.port`.
    const scheme = withScheme.slice(0, withScheme.indexOf(':')).toLowerCase()
    url = new URL(`pinpoint-proxy${withScheme.slice(scheme.length)}`)
    if (!isScheme(scheme)) {
      return { ok: false, error: `unsupported proxy scheme "${scheme}": use http, https, socks5 or socks5h` }
    }
    if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
      return { ok: false, error: `a proxy URL has no path: ${redactProxyUrl(trimmed)}` }
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase()
    if (host === '') return { ok: false, error: 'the proxy URL names no host' }
    const port = url.port === '' ? DEFAULT_PORTS[scheme] : Number(url.port)
    if (!(port >= 1 && port <= 65535)) return { ok: false, error: `bad proxy port in ${redactProxyUrl(trimmed)}` }
    return {
      ok: true,
      proxy: {
        scheme,
        host,
        port,
        ...(url.username === '' ? {} : { user: decodeURIComponent(url.username) }),
        ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
      },
    }
  } catch {
    return { ok: false, error: `bad proxy URL ${JSON.stringify(redactProxyUrl(trimmed))}` }
  }
}

function isScheme(s: string): s is ProxyScheme {
  return s === 'http' || s === 'https' || s === 'socks5' || s === 'socks5h'
}

/** A proxy URL with any user info cut out: what messages, logs and connection records may show. */
export function redactProxyUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^@/]*@/i, '$1')
}

/** `scheme://host:port`, never with credentials. */
export function proxyLabel(p: Pick<ParsedProxyUrl, 'scheme' | 'host' | 'port'>): string {
  return `${p.scheme}://${p.host.includes(':') ? `[${p.host}]` : p.host}:${p.port}`
}

/**
 * One proxy server as it is stored (a host rule's, a download's, the app's): its URL without credentials, the
 * credentials beside it (so the URL can be shown anywhere), and for an `https://` proxy its own trust anchors
 * (replacing the bundled roots, curl's `--proxy-cacert`) and pins (curl's `--proxy-pinnedpubkey`).
 */
export const ProxyServer = z
  .strictObject({
    url: z
      .string()
      .max(2048)
      .refine((s) => parseProxyUrl(s).ok, {
        message: 'expected a proxy URL: [http|https|socks5|socks5h://]host[:port]',
      })
      .refine((s) => redactProxyUrl(s) === s, {
        message: 'give the proxy user and password on their own, not in the URL',
      }),
    user: z.string().max(255).optional(),
    password: z.string().max(255).optional(),
    ca: z.string().max(262_144).optional(),
    pins: z
      .array(z.string().max(200))
      .max(16)
      .refine((pins) => pins.every((p) => parsePins(p).ok), { message: 'every pin must be sha256//<base64>' })
      .optional(),
  })
  .refine((p) => p.password === undefined || p.user !== undefined, {
    message: 'a proxy password needs a user name',
    path: ['user'],
  })
export type ProxyServer = z.output<typeof ProxyServer>

/** Where a host rule or a download sends its connections: through a proxy, or `direct` past every proxy. */
export const ProxyChoice = z.union([z.literal('direct'), ProxyServer])
export type ProxyChoice = z.output<typeof ProxyChoice>

/**
 * A host rule's proxy: as above, without credentials. Host rules travel in full to the window and to local
 * clients (`hosts:changed`), where a password has no business; a proxy that needs one is set in the settings
 * (whose password stays in main) or per download.
 */
export const HostProxyChoice = z.union([
  z.literal('direct'),
  ProxyServer.refine((p) => p.user === undefined && p.password === undefined, {
    message: "a host rule's proxy takes no user name or password: set those in Settings, or with --proxy-user",
  }),
])

/** A stored server with its URL parsed once; what the transport works with. */
export interface ResolvedProxy extends ParsedProxyUrl {
  ca?: string
  /** Bare base64 SPKI pins. */
  pins: string[]
}

/** The stored form parsed: credentials from the fields, or failing those from the URL. */
export function resolveProxy(server: ProxyServer): ResolvedProxy {
  const parsed = parseProxyUrl(server.url)
  if (!parsed.ok) throw new Error(parsed.error)
  const user = server.user ?? parsed.proxy.user
  const password = server.password ?? parsed.proxy.password
  const { user: _u, password: _p, ...rest } = parsed.proxy
  return {
    ...rest,
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { password }),
    ...(server.ca === undefined ? {} : { ca: server.ca }),
    pins: (server.pins ?? []).flatMap((p) => {
      const r = parsePins(p)
      return r.ok ? r.pins : []
    }),
  }
}

/** What the app shows, and may send back, in place of a saved proxy password: "keep the one saved". */
export const SAVED_PROXY_PASSWORD = '(saved password)'

/** The app's proxy setting: none, one server for every host but those `noProxy` lists, or the system's. */
export const ProxySetting = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('none') }),
  z.strictObject({ mode: z.literal('manual'), server: ProxyServer, noProxy: z.string().max(4096).default('') }),
  z.strictObject({ mode: z.literal('system') }),
])
export type ProxySetting = z.output<typeof ProxySetting>
