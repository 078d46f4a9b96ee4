import type { ProxyScheme } from './proxy.ts'

/** One entry of a proxy answer: a proxy to try, or DIRECT. */
export type ProxyAnswerEntry = { kind: 'direct' } | { kind: 'proxy'; url: string; scheme: ProxyScheme }

const SCHEMES: Record<string, ProxyScheme> = { PROXY: 'http', HTTP: 'http', HTTPS: 'https', SOCKS5: 'socks5' }

/**
 * A PAC-style answer, as a PAC script's `FindProxyForURL` gives it and Chromium's `resolveProxy` reports it
 * ("PROXY h:p; SOCKS5 h:p; DIRECT"), as our list of proxies in order. `PROXY` and `HTTP` are HTTP proxies,
 * `HTTPS` an HTTPS one. `SOCKS` without a version means SOCKS4 to Chromium, which we do not speak, so such
 * entries are skipped, like any other kind we do not know; an empty answer means DIRECT.
 */
export function parseProxyAnswer(answer: string): ProxyAnswerEntry[] {
  const out: ProxyAnswerEntry[] = []
  for (const part of answer.split(';')) {
    const words = part.trim().split(/\s+/)
    const kind = (words[0] ?? '').toUpperCase()
    if (kind === '') continue
    if (kind === 'DIRECT') {
      out.push({ kind: 'direct' })
      continue
    }
    const scheme = SCHEMES[kind]
    const where = words[1]
    if (!scheme || !where || words.length !== 2 || where.includes('/') || where.includes('@')) continue
    out.push({ kind: 'proxy', scheme, url: `${scheme}://${where}` })
  }
  return out.length > 0 ? out : [{ kind: 'direct' }]
}
