import { isIP, isIPv4 } from 'node:net'

import type { HostRule } from '../../shared/domain.ts'
import { effectiveRule, type ConnectionProfile } from '../../shared/profile.ts'
import { findRule, normalizeHost } from './host-rules.ts'

/** Everything a connection to a URL needs to know before it picks an address. */
export interface Target {
  url: URL
  secure: boolean
  /** The URL's host, normalized (no IPv6 brackets). */
  host: string
  port: number
  rule: HostRule | undefined
  /** The name the certificate is verified against: the SNI override, else the URL's host. */
  logicalName: string
  /** The SNI to send; undefined for an IP literal without an override, since RFC 6066 forbids IPs in SNI. */
  servername: string | undefined
  /** `Host` header: the logical name, plus the port when it is not the scheme's default. */
  hostHeader: string
}

/** `rules` are the saved host rules; a download's own `profile` takes precedence over them (see effectiveRule). */
export function targetFor(url: URL, rules: readonly HostRule[], profile?: ConnectionProfile): Target {
  const secure = url.protocol === 'https:'
  const host = normalizeHost(url.hostname)
  const port = url.port ? Number(url.port) : secure ? 443 : 80
  const own = profile ? findRule(profile.rules, host, port) : undefined
  const rule = effectiveRule(own, findRule(rules, host, port))
  const logicalName = rule?.sni ?? host
  const servername = rule?.sni ?? (ipVersion(host) !== 0 ? undefined : host)
  const defaultPort = port === (secure ? 443 : 80)
  const nameForHeader = ipVersion(logicalName) === 6 ? `[${logicalName}]` : logicalName
  const hostHeader = rule?.hostHeader ?? (defaultPort ? nameForHeader : `${nameForHeader}:${port}`)
  return { url, secure, host, port, rule, logicalName, servername, hostHeader }
}

/**
 * `isIP`, sparing a name (no colon) the IPv6 pattern: a long regular expression that a name made of hex digits
 * ("a.test") explores far before failing, on every request.
 */
function ipVersion(host: string): 0 | 4 | 6 {
  if (host.includes(':')) return isIP(host) === 6 ? 6 : 0
  return isIPv4(host) ? 4 : 0
}
