import { z } from 'zod'

/**
 * How a host's name becomes addresses when no rule gives them:
 * - `system`: the operating system's resolver;
 * - `doh`: DNS over HTTPS only, never the system resolver, even when the DoH server is down;
 * - `doh-fallback`: DNS over HTTPS, and the system resolver only when the DoH server cannot be reached at all
 *   (refused, timed out, reset); an untrusted or wrongly answering DoH server is an error, never a fallback,
 *   since that is what an attack on the path looks like. The connection records that it fell back.
 */
export const DnsMode = z.enum(['system', 'doh', 'doh-fallback'])
export type DnsMode = z.output<typeof DnsMode>

export const DohUrl = z
  .string()
  .max(2048)
  .refine((s) => URL.canParse(s) && new URL(s).protocol === 'https:', { error: 'a DoH URL must be an https URL' })

/** A resolver choice: the mode, and the DoH endpoint for the modes that use one. */
export const DnsChoice = z
  .strictObject({ mode: DnsMode, dohUrl: DohUrl.optional() })
  .refine((c) => c.mode === 'system' || c.dohUrl !== undefined, { error: 'DoH modes need a DoH URL' })
export type DnsChoice = z.output<typeof DnsChoice>

export const systemDns: DnsChoice = { mode: 'system' }
