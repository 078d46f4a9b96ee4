import { z } from 'zod'

import { DnsChoice } from './dns.ts'
import { CtMode, CtPolicy } from './ct.ts'

import { parsePins } from './pins.ts'
import { HostProxyChoice } from './proxy.ts'

/** A host name as typed by a user: lower-cased, no trailing dot, optionally `*.` for "this and its subdomains". */
const HOSTNAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/

export const HostPattern = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .transform((s) => s.replace(/\.$/, ''))
  .refine((s) => HOSTNAME.test(s) || z.ipv4().safeParse(s).success || isBracketlessIpv6(s), {
    message: 'expected a host name (example.com), a wildcard (*.example.com) or an IP address',
  })

export const IpAddress = z.union([z.ipv4(), z.ipv6()], { error: 'expected an IPv4 or IPv6 address' })

/** A name for SNI and certificate checks: a DNS name, never an IP (RFC 6066 forbids IP literals in SNI). */
export const ServerName = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .refine((s) => HOSTNAME.test(s) && !s.startsWith('*.') && !/(^|\.)\d+$/.test(s), {
    message: 'expected a DNS name such as example.com (not an IP address)',
  })

export const PinMode = z.enum(['enforce', 'report'])
export const TrustMode = z.enum(['ca', 'pin'])

/** Longest label a pin can carry. */
export const MAX_PIN_LABEL_CHARS = 200

/**
 * What the user knows of one pin of a rule: a label (whose key it is, how it was checked) and when it was added
 * (ms since the epoch). Kept beside `pins` rather than inside it, so every reader of `pins` (the transport, the
 * CLI's `--pinnedpubkey`, download profiles) keeps its plain list of keys, and rules saved before labels existed
 * parse as they are.
 */
export const PinNote = z.strictObject({
  pin: z.string().transform(normalizePin),
  label: z.string().trim().max(MAX_PIN_LABEL_CHARS).default(''),
  /** Absent for a pin saved before dates were kept: its date is unknown, and is never made up. */
  addedAt: z.number().int().min(0).max(8_640_000_000_000_000).optional(),
})
export type PinNote = z.output<typeof PinNote>

/**
 * A per-host rule: where to connect, what name to present, and what to trust.
 *
 * `trust: 'pin'` is the explicit opt-in for self-signed or private servers: the leaf key must match a pin,
 * while the chain, name and dates are only reported.
 */
export const HostRule = z
  .strictObject({
    pattern: HostPattern,
    /** The port this rule applies to; absent means every port (curl's `--resolve host:*:addr`). */
    port: z.number().int().min(1).max(65535).optional(),
    addresses: z.array(IpAddress).max(16).default([]),
    sni: ServerName.optional(),
    hostHeader: z.string().trim().min(1).max(260).optional(),
    pins: z
      .array(z.string().transform(normalizePin))
      .max(16)
      .default([])
      .refine((pins) => pins.every((p) => p !== ''), { message: 'every pin must be sha256//<base64 of 32 bytes>' }),
    pinMode: PinMode.default('enforce'),
    trust: TrustMode.default('ca'),
    /** Extra trust anchors (PEM) for this host only, added to the default ones. */
    ca: z.string().max(262_144).optional(),
    /** How this host's name is resolved when the rule gives no addresses; absent: the app's setting. */
    dns: DnsChoice.optional(),
    /** Labels and dates of the pins above; a pin without a note is simply unlabelled. */
    pinNotes: z.array(PinNote).max(16).optional(),
    /** Certificate Transparency: `report` (the default when absent) or `enforce`. */
    ct: CtMode.optional(),
    /** Which CT policy applies; absent: at least two SCTs from distinct operators. */
    ctPolicy: CtPolicy.optional(),
    /**
     * The keys this host's publisher signs files with: minisign/signify base64 key lines and OpenPGP armored
     * keys. Several allow a key rotation; `--signature auto` looks for a signature only where one is given.
     */
    publisherKeys: z.array(z.string().trim().min(1).max(262_144)).max(16).optional(),
    /** The proxy for this host, over the app's setting; `direct` goes past every proxy. */
    proxy: HostProxyChoice.optional(),
  })
  .refine((r) => r.trust !== 'pin' || r.pins.length > 0, {
    message: 'trust "pin" needs at least one pin: the leaf key must match it',
    path: ['pins'],
  })
  .refine(
    (r) =>
      (r.pinNotes ?? []).every((n, i, all) => r.pins.includes(n.pin) && all.findIndex((m) => m.pin === n.pin) === i),
    {
      message: "every pin note must be about one of the rule's pins, once",
      path: ['pinNotes'],
    },
  )
export type HostRule = z.output<typeof HostRule>
export type HostRuleInput = z.input<typeof HostRule>

function normalizePin(s: string): string {
  const parsed = parsePins(s)
  return parsed.ok && parsed.pins.length === 1 ? (parsed.pins[0] ?? '') : ''
}

function isBracketlessIpv6(s: string): boolean {
  return z.ipv6().safeParse(s).success
}

/**
 * Where a transfer stands.
 *
 * The store keeps these strings in its `state` column and the UI, the CLI and `ls --json` show them, so a
 * state is never renamed. The happy path is `queued → connecting → downloading → verifying → finalizing →
 * completed`; `paused`, `failed` (with an error code) and `canceled` are where a transfer rests otherwise.
 */
export const TransferState = z.enum([
  'queued',
  'connecting',
  'downloading',
  'verifying',
  'finalizing',
  'completed',
  'paused',
  'failed',
  'canceled',
])
export type TransferState = z.infer<typeof TransferState>
