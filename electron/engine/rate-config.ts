import type { DelayConfig } from './queue-delay.ts'

/** The rate controller's settings (see rate-controller.ts for what each phase does with them). */
export interface RateConfig extends DelayConfig {
  /** A filtered queuing delay above this (ms) is a queue at the link; at or under it, noise. */
  thresholdMs: number
  /** Bytes per second the rate is never cut below. */
  floor: number
  /** Bytes per second before any sample has been seen. */
  start: number
  /** In startup, the rate is multiplied by this per second while in use and no queue shows. */
  startupGain: number
  /** When startup sees a queue, the link's rate is taken as the rate this long before (the samples' lag). */
  exitLagMs: number
  /** Held at this share of the measured rate. */
  cruiseGain: number
  /** A step above the measure at this share of it; `fineGain` once a step has queued. */
  probeGain: number
  fineGain: number
  probeMs: number
  /** After a step, this share of the measure for at least `drainMs` (until the queue is gone, up to `drainMaxMs`). */
  drainGain: number
  drainMs: number
  drainMaxMs: number
  /** Steps come this long after the last, or `probeSoonMs` after one that found more room. */
  probeEveryMs: number
  probeSoonMs: number
  /** The deepest single cut, as a fraction of the rate, taken at `fullCutMs` of queue and beyond. */
  maxCut: number
  fullCutMs: number
  /** A queue that shows while holding lowers the measure by this factor, once per spell. */
  measureDecay: number
  /** After a cut, the next waits at least one round trip (its effect cannot show sooner), and at least this. */
  minHoldMs: number
  /** Back under the hold, the rate grows by this fraction of itself per second. */
  recoverGain: number
  /** The rate grows only while the transfers take at least this share of it (otherwise something else limits). */
  busyShare: number
  /**
   * This many steps in a row in which the rate held nobody back and went under `busyShare` used: the link (or the
   * server) delivers no more than what the transfers took, which becomes the measure. Paced range requests never
   * queue more than one piece at the link, so this, not a queue, is how they find its rate.
   */
  idleSteps: number
}

export const defaultRate: RateConfig = {
  baseBucketMs: 10_000,
  baseBuckets: 6,
  filter: 3,
  staleMs: 2_000,
  thresholdMs: 5,
  floor: 32 * 1024,
  start: 64 * 1024,
  startupGain: 2,
  exitLagMs: 400,
  cruiseGain: 0.85,
  probeGain: 1.25,
  fineGain: 1.08,
  probeMs: 300,
  drainGain: 0.75,
  drainMs: 300,
  drainMaxMs: 1_000,
  probeEveryMs: 5_000,
  probeSoonMs: 1_000,
  maxCut: 0.5,
  fullCutMs: 20,
  measureDecay: 0.9,
  minHoldMs: 100,
  recoverGain: 3,
  busyShare: 0.9,
  idleSteps: 3,
}
