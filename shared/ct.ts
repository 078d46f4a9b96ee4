import { z } from 'zod'

/**
 * Certificate Transparency as a connection reports it and a host rule asks for it.
 *
 * `report` (the default) checks and shows; `enforce` refuses a certificate that fails the policy before any
 * request byte is sent. A missing or stale log list never refuses: without a current list, a good certificate
 * from a log added since could not be told from a bad one.
 */
export const CtMode = z.enum(['report', 'enforce'])
export type CtMode = z.output<typeof CtMode>

/**
 * `two-operators`: at least two valid SCTs from logs of distinct operators. `chrome`: Chrome's count on top of
 * that, by the certificate's lifetime: 2 SCTs up to 180 days, 3 beyond.
 */
export const CtPolicy = z.enum(['two-operators', 'chrome'])
export type CtPolicy = z.output<typeof CtPolicy>

/**
 * `ok` and `failed` are the policy's answer; `stale` and `no-log-list` mean there was no current list to ask;
 * `not-applicable` (report mode only) means a private CA or a pinned key vouches for the host, not a public CA.
 */
export const CtVerdict = z.enum(['ok', 'failed', 'stale', 'no-log-list', 'not-applicable'])
export type CtVerdict = z.output<typeof CtVerdict>

/** One SCT embedded in the leaf certificate. */
export const SctReport = z.strictObject({
  /** base64 SHA-256 of the log's key. */
  logId: z.string(),
  /** The log's description in the list; null when the list does not know the log (or there is no list). */
  log: z.string().nullable(),
  operator: z.string().nullable(),
  /** When the log promised to include the certificate (ISO 8601). */
  timestamp: z.string(),
  /** The log's signature verified and the SCT counts toward the policy. */
  valid: z.boolean(),
  /** Why it does not count, when it does not. */
  error: z.string().optional(),
})
export type SctReport = z.output<typeof SctReport>

export const CtReport = z.strictObject({
  mode: CtMode,
  policy: CtPolicy,
  verdict: CtVerdict,
  /** The verdict in a sentence: what counted, what was missing. */
  reason: z.string(),
  /** The log list's own date, when one is installed. */
  listDate: z.string().optional(),
  scts: z.array(SctReport),
})
export type CtReport = z.output<typeof CtReport>
