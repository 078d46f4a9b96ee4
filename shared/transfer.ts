import { z } from 'zod'

import { ConnectionSummary } from './connection.ts'
import { TransferState } from './domain.ts'
import { FailureInfo } from './errors.ts'
import { SignatureResult } from './signature.ts'
import { Priority } from './priority.ts'

/**
 * A retry the transfer is waiting for, or whose attempt has begun and brought no bytes yet. It lives only while
 * the transfer runs (main keeps it in memory, not in the store) and clears once the attempt brings bytes.
 */
export const RetryInfo = z.strictObject({
  /** The attempt that comes next: 2 for the first retry. */
  attempt: z.number().int().min(1),
  /** The retry policy's maximum: after this many failed attempts in a row the transfer fails. */
  maxAttempts: z.number().int().min(1),
  /** When that attempt starts: milliseconds since the epoch, by main's clock. */
  at: z.number(),
  /** Why the last attempt failed. */
  error: FailureInfo,
})
export type RetryInfo = z.infer<typeof RetryInfo>

/** A transfer as every view shows it: the store's row plus live figures. Main owns it; views mirror it. */
export const TransferView = z.strictObject({
  id: z.number().int(),
  url: z.string(),
  name: z.string().nullable(),
  dir: z.string(),
  savedPath: z.string().nullable(),
  state: TransferState,
  error: FailureInfo.nullable(),
  total: z.number().nullable(),
  /** Bytes in hand: durable ones, plus what arrived since while running. */
  done: z.number(),
  /** Bytes per second over the last few seconds; 0 when not running. */
  speed: z.number(),
  /** Seconds left, when the total and the speed are known. */
  eta: z.number().nullable(),
  position: z.number(),
  /** The transfer's latest connection that completed its handshake; null until it has one. */
  connection: ConnectionSummary.nullable(),
  /** The retry it waits for; null when it is not retrying. */
  retry: RetryInfo.nullable(),
  /** When it was added: milliseconds since the epoch, by main's clock. */
  createdAt: z.number(),
  /** When it completed (same clock); null until it has. */
  completedAt: z.number().nullable(),
  /** How the publisher's signature (or sums file) checked out; null when none was asked or not yet checked. */
  signature: SignatureResult.nullable().optional(),
  /** How it shares the link; `background` yields to every other use of it. Absent: normal. */
  priority: Priority.optional(),
  /**
   * Present while a schedule window holds the queued transfer: `until` is when it may run again (ms since the
   * epoch, main's clock), null when no window lets it.
   */
  schedule: z.strictObject({ until: z.number().nullable() }).optional(),
})
export type TransferView = z.infer<typeof TransferView>
