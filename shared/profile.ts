import { z } from 'zod'

import { DnsChoice } from './dns.ts'
import { HostRule } from './domain.ts'
import { ExtraHeader } from './extra-headers.ts'
import { PinpointError } from './pinpoint-error.ts'

/**
 * A download's own connection profile: the rules it was started with (addresses, SNI, pins and pin mode,
 * trust), and the trust anchors that replace the bundled roots for it (curl's `--cacert`). It is stored with the
 * transfer and applied by the engine wherever the transfer runs, so a download started by the CLI keeps its
 * address and its pins when the app or `pinpoint serve` resumes it.
 */
export const ConnectionProfile = z.strictObject({
  rules: z.array(HostRule).max(64),
  ca: z.array(z.string().max(262_144)).max(16).optional(),
  /** The resolver this download uses (curl's `--doh-url`), over the host rules' and the app's. */
  dns: DnsChoice.optional(),
  /**
   * Headers this download sends that are not secret (curl's `-H`, `-A`, `-e`), on every request, also after a
   * redirect to another origin; secret ones are sealed in the store instead (shared/transfer-secrets.ts).
   */
  headers: z.array(ExtraHeader).max(64).optional(),
})
export type ConnectionProfile = z.output<typeof ConnectionProfile>

/** The stored form (a transfer's `connection` column), or null for a download with no rules of its own. */
export function serializeProfile(profile: ConnectionProfile | undefined): string | null {
  if (!profile || (profile.rules.length === 0 && !profile.ca && !profile.dns && !profile.headers?.length)) return null
  return JSON.stringify({
    rules: profile.rules,
    ...(profile.ca ? { ca: profile.ca } : {}),
    ...(profile.dns ? { dns: profile.dns } : {}),
    ...(profile.headers?.length ? { headers: profile.headers } : {}),
  })
}

/**
 * A stored profile. One this version cannot read is an error, never ignored: running the download without its
 * pins would be worse than not running it.
 */
export function parseProfile(stored: string | null): ConnectionProfile | undefined {
  if (stored === null) return undefined
  try {
    return ConnectionProfile.parse(JSON.parse(stored))
  } catch {
    throw new PinpointError('FILE_ERROR', 'this download has connection settings this version cannot read')
  }
}

/**
 * The rule that applies to one host and port of a download: its own rule (from its profile) over the saved
 * host rule, field by field. What the download's rule gives wins; what it leaves out (no addresses, no pins, no
 * SNI, no extra CA) comes from the saved rule, so a download started with only `--resolve` is still held to
 * the pins saved for that host, and one started with its own pins is held to those. Pins, pin mode and trust go
 * together: they come from whichever rule has pins.
 */
export function effectiveRule(own: HostRule | undefined, saved: HostRule | undefined): HostRule | undefined {
  if (!own || !saved) return own ?? saved
  const pinned = own.pins.length > 0
  const sni = own.sni ?? saved.sni
  const dns = own.dns ?? saved.dns
  const hostHeader = own.hostHeader ?? saved.hostHeader
  const ca = own.ca ?? saved.ca
  return {
    pattern: own.pattern,
    ...(own.port === undefined ? {} : { port: own.port }),
    addresses: own.addresses.length > 0 ? own.addresses : saved.addresses,
    pins: pinned ? own.pins : saved.pins,
    pinMode: pinned ? own.pinMode : saved.pinMode,
    trust: pinned ? own.trust : saved.trust,
    ...(sni === undefined ? {} : { sni }),
    ...(hostHeader === undefined ? {} : { hostHeader }),
    ...(ca === undefined ? {} : { ca }),
    ...(dns === undefined ? {} : { dns }),
  }
}

/**
 * A resumed download's profile with this run's flags applied: for the same host and port the run's rule wins
 * field by field over the stored one, and what it leaves out is kept, so resuming with a new `--resolve` but
 * without repeating `--pinnedpubkey` still checks the pins the download started with. Anchors given now are
 * added to the stored ones.
 */
export function withRun(
  run: ConnectionProfile | undefined,
  stored: ConnectionProfile | undefined,
): ConnectionProfile | undefined {
  if (!run || !stored) return run ?? stored
  const rules = stored.rules.map((old) => {
    const now = run.rules.find((r) => r.pattern === old.pattern && r.port === old.port)
    return effectiveRule(now, old) as HostRule
  })
  for (const r of run.rules) {
    if (!stored.rules.some((old) => old.pattern === r.pattern && old.port === r.port)) rules.push(r)
  }
  const ca = [...new Set([...(run.ca ?? []), ...(stored.ca ?? [])])]
  const dns = run.dns ?? stored.dns
  // Headers given again replace the stored ones, as credentials given again do.
  const headers = run.headers ?? stored.headers
  return { rules, ...(ca.length > 0 ? { ca } : {}), ...(dns ? { dns } : {}), ...(headers ? { headers } : {}) }
}
