import type { BackgroundReason } from '../../shared/priority.ts'
import { readQueue, updateDelays, type DelaySample, type HostDelays } from './queue-delay.ts'
import { defaultRate, type RateConfig } from './rate-config.ts'

export { defaultRate, type DelaySample, type RateConfig }

/**
 * The rate controller for transfers that should only use a link nobody else needs, and leave its queue empty.
 * It is a plain function of (state, samples, time): no clock, no timers, no I/O, so a recorded sequence of
 * samples always gives the same rates.
 *
 * The rate paces small range requests (or, where the server allows none, small reads), so the server sends no
 * faster than the rate: under the link's rate nothing queues at the link. So the controller measures the link
 * rather than aiming at a delay:
 *
 * - **startup**: the rate grows fast while in use and no queue shows, until the link says it is full: the
 *   transfers leave the rate unused for a few steps (what they took is the measure), or a queue grows (the
 *   measure is the rate a little before, as the samples lag behind the queue);
 * - **holding**: after a short drain, it holds just under the measure (`cruiseGain`), where the queue stays empty;
 * - **reaching**: now and then, briefly above the measure (`probeMs` at the probe gain), then a drain: taken in
 *   full with no queue, that rate becomes the measure and the next reach comes soon; otherwise the measure stays
 *   and later reaches are finer;
 * - **backing off**: a queue while holding is another flow's (or the link changed): the rate is cut at once, by
 *   up to half, deeper the further over, once per round trip and only on new samples, down to the floor; when
 *   the queue is gone it climbs back quickly to where it held.
 *
 * Never below the floor (so the download still moves), never above the ceiling the user's limits allow.
 */
export type RateMode = 'startup' | 'cruise' | 'probe' | 'drain' | 'backoff'

export interface RateState {
  rate: number
  reason: BackgroundReason
  /** When the last step ran. */
  at: number
  mode: RateMode
  /** When the current mode began. */
  modeAt: number
  /** What the link was measured to carry (bytes per second); null until startup has seen a queue. */
  link: number | null
  /** The gain of the next step above the measure, and when it is due (null: not before holding). */
  gain: number
  nextProbeAt: number | null
  /** The step being judged: its rate, whether a queue showed since it began, whether samples did at all, and
   * whether the transfers left the rate unused at some point of it (then it says nothing about the link). */
  probe: { rate: number; queued: boolean; seen: boolean; idle: boolean; used: number[] } | null
  lastCutAt: number | null
  /** The newest sample time behind the last cut, and behind the last reading. */
  cutEvidenceAt: number | null
  seenAt: number | null
  /** Startup's recent rates, to look back `exitLagMs` when the queue shows. */
  history: Array<{ at: number; rate: number }>
  /** What the transfers took in each of the latest steps in a row that left the rate unused (bytes per second). */
  unused: number[]
  hosts: Record<string, HostDelays>
  /** The base and queuing delay of the most congested fresh host at the last step. */
  baseMs: number | null
  queuingMs: number | null
}

export interface RateInput {
  now: number
  /** Samples since the last step, in any order. */
  samples: readonly DelaySample[]
  /** The most the limits allow (bytes per second); null or absent: no limit. */
  ceiling?: number | null
  /** What the background transfers actually took over the last step, in bytes per second. */
  used?: number
  /** Whether the rate held a transfer back at some time during the step (then it was in use, whatever `used`). */
  limiting?: boolean
}

export function initialRate(now: number, cfg: RateConfig = defaultRate): RateState {
  return {
    rate: cfg.start,
    reason: 'probing',
    at: now,
    mode: 'startup',
    modeAt: now,
    link: null,
    gain: cfg.probeGain,
    nextProbeAt: null,
    probe: null,
    lastCutAt: null,
    cutEvidenceAt: null,
    seenAt: null,
    history: [],
    unused: [],
    hosts: {},
    baseMs: null,
    queuingMs: null,
  }
}

/** The state after taking in `input.samples` and letting `input.now - state.at` pass. */
export function stepRate(state: RateState, input: RateInput, cfg: RateConfig = defaultRate): RateState {
  const now = input.now
  const hosts = updateDelays(state.hosts, input.samples, now, cfg)
  const reading = readQueue(hosts, now, cfg)
  const ceiling = input.ceiling && input.ceiling > 0 ? input.ceiling : Infinity
  const bound = (r: number) => Math.min(ceiling, Math.max(cfg.floor, r))
  const dt = Math.min(Math.max(now - state.at, 0), 1_000) / 1_000
  // A rate the transfers leave unused says nothing about the link (the server or another limit sets the pace).
  const inUse = input.limiting === true || input.used === undefined || !(input.used < state.rate * cfg.busyShare)
  const s: RateState = {
    ...state,
    at: now,
    hosts,
    baseMs: reading?.baseMs ?? null,
    queuingMs: reading?.queuingMs ?? null,
    history: state.mode === 'startup' ? [...state.history, { at: now, rate: state.rate }] : [],
  }
  s.history = s.history.filter((h) => h.at >= now - cfg.exitLagMs)
  s.unused = inUse || input.used === undefined ? [] : [...state.unused, input.used].slice(-cfg.idleSteps)
  // The link (or the server) delivered only this much while the rate asked for more.
  const mean = s.unused.length >= cfg.idleSteps ? s.unused.reduce((a, b) => a + b, 0) / s.unused.length : 0
  const delivered = mean > 0 ? mean : null
  const fresh = reading !== null && (state.seenAt === null || reading.evidenceAt > state.seenAt)
  const queued = reading !== null && reading.queuingMs > cfg.thresholdMs
  if (reading) s.seenAt = reading.evidenceAt
  const enter = (mode: RateMode) => {
    s.mode = mode
    s.modeAt = now
  }
  const cut = () => {
    if (!reading || !fresh) return
    if (s.cutEvidenceAt !== null && reading.evidenceAt <= s.cutEvidenceAt) return
    if (s.lastCutAt !== null && now - s.lastCutAt < Math.max(cfg.minHoldMs, reading.currentMs)) return
    s.rate *= 1 - cfg.maxCut * Math.min(1, reading.queuingMs / cfg.fullCutMs)
    s.lastCutAt = now
    s.cutEvidenceAt = reading.evidenceAt
  }

  if (reading === null) {
    // Nothing fresh to go by: hold the rate until a sample says what the queue is doing.
    s.rate = bound(s.rate)
    s.reason = s.rate >= ceiling ? 'limited' : 'probing'
    if (s.probe) s.probe.idle = true
    return s
  }

  switch (state.mode) {
    case 'startup': {
      // Two readings over the threshold, the later no lower: a queue that shrinks on its own is the window the
      // sender had before the rate was paced, draining, not the rate passing the link's.
      const growing =
        queued &&
        fresh &&
        state.queuingMs !== null &&
        state.queuingMs > cfg.thresholdMs &&
        reading.queuingMs >= state.queuingMs
      if (growing || delivered !== null) {
        s.link = delivered ?? Math.min(...s.history.map((h) => h.rate), state.rate)
        s.rate = cfg.drainGain * s.link
        s.unused = []
        enter('drain')
      } else if (!queued && inUse) s.rate *= cfg.startupGain ** dt
      break
    }
    case 'probe': {
      const p = s.probe!
      s.probe = {
        ...p,
        seen: p.seen || fresh,
        queued: p.queued || (fresh && queued),
        idle: p.idle || !inUse,
        used: input.used === undefined ? p.used : [...p.used, input.used],
      }
      if ((fresh && queued) || now - state.modeAt >= cfg.probeMs) {
        s.rate = cfg.drainGain * (s.link ?? s.rate)
        enter('drain')
      }
      break
    }
    case 'drain': {
      if (s.probe) s.probe = { ...s.probe, seen: s.probe.seen || fresh, queued: s.probe.queued || (fresh && queued) }
      const held = now - state.modeAt
      // Under the link's rate the download's own queue shrinks; one that does not, or outlasts the drain, is
      // another flow's.
      const shrinking = fresh && state.queuingMs !== null && reading.queuingMs < state.queuingMs
      if (queued && held >= cfg.drainMs && (held >= cfg.drainMaxMs || (fresh && !shrinking))) {
        judge(s, now, cfg)
        enter('backoff')
        cut()
      } else if (!queued && held >= cfg.drainMs) {
        judge(s, now, cfg)
        s.rate = cfg.cruiseGain * (s.link ?? s.rate)
        enter('cruise')
      }
      break
    }
    case 'cruise': {
      if (delivered !== null && s.link !== null && delivered < s.link) {
        // Held under the measure and still not in use: the link (or the server) has slowed down.
        s.link = delivered
        s.unused = []
      }
      const hold = cfg.cruiseGain * (s.link ?? s.rate)
      if (queued && fresh) {
        s.link = s.link === null ? null : s.link * cfg.measureDecay
        enter('backoff')
        cut()
      } else if (s.rate < hold) {
        if (inUse) s.rate = Math.min(hold, s.rate * (1 + cfg.recoverGain * dt))
      } else {
        s.rate = hold
        const step = (s.link ?? s.rate) * s.gain
        if (s.nextProbeAt !== null && now >= s.nextProbeAt && inUse && !queued && s.link !== null) {
          if (step <= ceiling) {
            s.probe = { rate: step, queued: false, seen: false, idle: false, used: [] }
            s.rate = step
            enter('probe')
          } else s.nextProbeAt = now + cfg.probeEveryMs
        }
      }
      break
    }
    case 'backoff': {
      if (queued) cut()
      else if (fresh) enter(s.link === null ? 'startup' : 'cruise')
      break
    }
  }
  s.rate = bound(s.rate)
  if (s.mode === 'cruise' && s.nextProbeAt === null) s.nextProbeAt = now + cfg.probeEveryMs
  s.reason = reasonOf(s, queued, ceiling, cfg)
  return s
}

/** The end of a step above the measure: no queue (and a rate in use) raises the measure; a queue refines. */
function judge(s: RateState, now: number, cfg: RateConfig): void {
  const p = s.probe
  s.probe = null
  if (!p) {
    s.nextProbeAt = now + cfg.probeEveryMs
    return
  }
  // A reader held back now and then is not enough: paced pieces the link delivers late still wait at times. The
  // transfers must have taken the step's rate.
  const took = p.used.length === 0 || p.used.reduce((a, b) => a + b, 0) / p.used.length >= cfg.busyShare * p.rate
  if (p.seen && !p.queued && !p.idle && took) {
    s.link = p.rate
    s.nextProbeAt = now + cfg.probeSoonMs
  } else {
    // A step the link could not carry (a queue, or the rate left unused) says the measure is close: go finer.
    if (p.queued || p.idle || !took) s.gain = cfg.fineGain
    s.nextProbeAt = now + cfg.probeEveryMs
  }
}

function reasonOf(s: RateState, queued: boolean, ceiling: number, cfg: RateConfig): BackgroundReason {
  if (s.rate >= ceiling) return 'limited'
  if (s.mode === 'backoff' || (queued && s.mode !== 'probe')) return s.rate <= cfg.floor ? 'at-floor' : 'backing-off'
  if (s.mode === 'probe') return 'reaching'
  if (s.mode === 'startup' || (s.mode === 'cruise' && s.rate < cfg.cruiseGain * (s.link ?? s.rate))) return 'growing'
  return 'holding'
}
