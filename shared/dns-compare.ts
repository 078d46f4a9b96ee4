import { z } from 'zod'

import { FailureInfo } from './errors.ts'

/** What connecting to one address and checking its certificate for the name (and the host's pins) showed. */
export const AddressVerdict = z.enum(['verifies', 'wrong-certificate', 'refused', 'timeout', 'failed'])
export type AddressVerdict = z.output<typeof AddressVerdict>

export const ResolverAnswer = z.strictObject({
  /** 'system', or the DoH server's URL. */
  resolver: z.string(),
  addresses: z.array(z.string()),
  error: FailureInfo.optional(),
})
export type ResolverAnswer = z.output<typeof ResolverAnswer>

export const AddressCheck = z.strictObject({
  address: z.string(),
  /** Which resolvers gave this address. */
  from: z.array(z.enum(['system', 'doh'])),
  verdict: AddressVerdict,
  /** The error's message when it did not verify. */
  detail: z.string().optional(),
  /** The leaf key the address presented, as a pin, when it presented one. */
  pin: z.string().optional(),
})
export type AddressCheck = z.output<typeof AddressCheck>

/**
 * The comparison's conclusion. Different answers alone are not a hijack (CDNs answer by region), so:
 * - `likely-hijack`: an address only the system resolver gave fails verification while a DoH address passes;
 * - `consistent`: every address verifies;
 * - `inconclusive`: anything else (both fail, one resolver failed, only unreachable addresses…).
 */
export const CompareVerdict = z.enum(['likely-hijack', 'consistent', 'inconclusive'])
export type CompareVerdict = z.output<typeof CompareVerdict>

export const DnsCompareReport = z.strictObject({
  url: z.string(),
  host: z.string(),
  port: z.number().int(),
  system: ResolverAnswer,
  doh: ResolverAnswer,
  checks: z.array(AddressCheck),
  verdict: CompareVerdict,
  /** One sentence for people: why the verdict is what it is. */
  summary: z.string(),
})
export type DnsCompareReport = z.output<typeof DnsCompareReport>
