import { z } from 'zod'

import { DnsChoice } from './dns.ts'
import { HostRule } from './domain.ts'
import { ExtraHeader } from './extra-headers.ts'
import { PinpointError } from './pinpoint-error.ts'
import { ProxyChoice } from './proxy.ts'

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
  /** Spread the segments over this many of the host's best nodes (each node's own rate limit then counts once). */
  nodesSpread: z.number().int().min(2).max(16).optional(),
  /** This download's proxy (curl's `-x`), over its host's rule and the app's setting; `direct`: none (`-x ""`). */
  proxy: ProxyChoice.optional(),
  /** Hosts this download reaches without any proxy (curl's `--noproxy`, NO_PROXY syntax). */
  noProxy: z.string().max(4096).optional(),
  /**
   * Headers this download sends that are not secret (curl's `-H`, `-A`, `-e`), on every request, also after a
   * redirect to another origin; secret ones are sealed in the store instead (shared/transfer-secrets.ts).
   */
  headers: z.array(ExtraHeader).max(64).optional(),
})
export type ConnectionProfile = z.output<typeof ConnectionProfile>

/** The stored form (a transfer's `connection` column), or null for a download with no rules of its own. */
export function serializeProfile(profile: ConnectionProfile | undefined): string | null {
  if (!profile) return null
  // Every field the schema has, so one added later is kept without a change here; empty ones are left out.
  const kept = Object.entries(profile).filter(
    ([key, value]) => key !== 'rules' && value !== undefined && !(Array.isArray(value) && value.length === 0),
  )
  if (profile.rules.length === 0 && kept.length === 0) return null
  return JSON.stringify({ rules: profile.rules, ...Object.fromEntries(kept) })
}

/**
 * A stored profile. One this version cannot read is an error, never ignored: running the download without its
 * pins would be worse than not running it.
 */
export function parseProfile(stored: string | null): ConnectionProfile | undefined {
  if (stored === null) return undefined
  const known = parsed.get(stored)
  if (known) return known
  let profile: ConnectionProfile
  try {
    profile = deepFreeze(ConnectionProfile.parse(JSON.parse(stored)))
  } catch {
    throw new PinpointError('FILE_ERROR', 'this download has connection settings this version cannot read')
  }
  if (parsed.size >= MAX_PARSED) parsed.delete(parsed.keys().next().value as string)
  parsed.set(stored, profile)
  return profile
}

/**
 * Stored profiles already read, by their text. A batch of downloads shares one profile, and each attempt reads
 * it again; validating the same text with zod each time was a visible part of a small file's CPU. The objects
 * are frozen, so no caller can change what the next one gets; the oldest entry goes first past the bound.
 */
const parsed = new Map<string, ConnectionProfile>()
const MAX_PARSED = 128

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
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
  // Field by field over the saved rule, so a field the schema gains later is inherited without a change here.
  const merged: Record<string, unknown> = { ...saved }
  for (const [key, value] of Object.entries(own)) if (value !== undefined) merged[key] = value
  if (own.port === undefined) delete merged['port']
  if (own.addresses.length === 0) merged['addresses'] = saved.addresses
  // The pins and what goes with them (the mode, the trust, their labels) come from one rule, never half of each.
  const pinned = own.pins.length > 0 ? own : saved
  merged['pins'] = pinned.pins
  merged['pinMode'] = pinned.pinMode
  merged['trust'] = pinned.trust
  if (pinned.pinNotes === undefined) delete merged['pinNotes']
  else merged['pinNotes'] = pinned.pinNotes
  return merged as HostRule
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
  // Every other field: the run's value over the stored one (headers given again replace the stored ones, as
  // credentials given again do), so a field added to the schema later is carried without a change here.
  const merged: Record<string, unknown> = { ...stored, ...definedFields(run), rules }
  if (ca.length > 0) merged['ca'] = ca
  else delete merged['ca']
  return merged as ConnectionProfile
}

function definedFields(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))
}
