import { z } from 'zod'

/**
 * How a transfer shares the link. `normal` takes what the limits allow; `background` yields to everything
 * else: its rate is set by a delay-based controller that backs off as soon as the link's queue grows.
 */
export const Priority = z.enum(['normal', 'background'])
export type Priority = z.output<typeof Priority>

/**
 * Why the background rate is what it is: `probing` (no fresh delay samples yet, so the rate holds), `growing`
 * (queuing delay under the target), `backing-off` (over it: the rate was cut), `at-floor` (cut as far as it
 * goes), `limited` (held at the global or per-transfer limit), `idle` (no background transfer is running),
 * `holding` (just under what the link was measured to carry, so its queue stays empty), `reaching` (briefly
 * above that, to see whether the link carries more).
 */
export const BackgroundReason = z.enum([
  'probing',
  'growing',
  'backing-off',
  'at-floor',
  'limited',
  'idle',
  'holding',
  'reaching',
])
export type BackgroundReason = z.output<typeof BackgroundReason>

/** The background controller as the details view shows it. */
export const BackgroundStatus = z.strictObject({
  /** Bytes per second every background transfer together may take now. */
  rate: z.number().min(0),
  reason: BackgroundReason,
  /** Running background transfers. */
  active: z.number().int().min(0),
  /** The lowest delay seen to the most congested host, in ms; null before any sample. */
  baseDelayMs: z.number().nullable(),
  /** The latest filtered delay above that base, in ms; null before any sample. */
  queuingDelayMs: z.number().nullable(),
  /** The queuing delay the controller keeps under, in ms. */
  targetMs: z.number(),
  /** The rate it never cuts below, in bytes per second. */
  floor: z.number(),
})
export type BackgroundStatus = z.output<typeof BackgroundStatus>

/** A transfer's priority; one that carries none, or one this version cannot read, is `normal`. */
export function priorityOf(transfer: object): Priority {
  // Asked for every queued row at every scheduling step: the two values are compared, not parsed.
  return (transfer as { readonly priority?: unknown }).priority === 'background' ? 'background' : 'normal'
}
