import type { BackgroundReason } from '../../shared/priority.ts'

/**
 * A delay-based rate controller in the spirit of LEDBAT (RFC 6817), for transfers that should only use a link
 * nobody else needs. It is a plain function of (state, samples, time): no clock, no timers, no I/O, so a
 * recorded sequence of samples always gives the same rates.
 *
 * The idea: the lowest round-trip time seen to a host is its delay with empty queues (the base delay); anything
 * above it is time spent in some queue on the way. While that queuing delay stays under the target the rate
 * grows, in proportion to how far under; once over, it is cut at once, deeper the further over, never below
 * the floor (so the download still moves) and never above the ceiling the user's limits allow.
 *
 * Unlike LEDBAT's window, this rate paces reads, and the socket's receive buffer sits between it and the link:
 * after a cut the sender keeps filling the link's queue until that buffer is full, which can take far longer
 * than a round trip. So the first cut of a congested spell is followed by a longer hold, and the rate at which
 * the queue built (the peak) is remembered: after a spell the rate climbs back quickly to just under the peak,
 * then creeps, so a download alone on a link spends its time just under the link's rate rather than regrowing
 * from the floor.
 */
export interface LedbatConfig {
  /** The queuing delay to stay under, in ms (RFC 6817 allows at most 100; 25 is gentle on interactive traffic). */
  targetMs: number
  /** Bytes per second the rate is never cut below. */
  floor: number
  /** Bytes per second before any sample has been seen. */
  start: number
  /** With no queuing delay at all, the rate grows by this fraction of itself per second. */
  gain: number
  /** The deepest single cut, as a fraction of the rate (taken at twice the target and beyond). */
  maxCut: number
  /** The base delay is the minimum over this many buckets of this many ms, so a route change ages out. */
  baseBucketMs: number
  baseBuckets: number
  /** The current delay of a host is the minimum of its latest this-many samples, which filters out noise. */
  filter: number
  /** A host with no sample for this long says nothing about the queue now. */
  staleMs: number
  /** After a cut, the next waits at least one round trip (its effect cannot show sooner), and at least this. */
  minHoldMs: number
  /**
   * After a cut at the peak (where the download likely built the queue itself), the next waits this long unless
   * the queue grows by more than half the target: the cut only empties the queue once the receive buffer has
   * filled, and cutting on until then would take a download alone on the link down to the floor.
   */
  drainHoldMs: number
  /** A peak the rate has stayed well under for this long (another flow's time) is forgotten. */
  peakMs: number
  /** The rate grows only while the transfers take at least this share of it (otherwise something else limits). */
  busyShare: number
  /**
   * Below this share of the peak, with the queue under a fifth of the target (clearly empty, not another flow's
   * queue hovering near it), the rate grows with `recoverGain` instead of `gain`.
   */
  nearPeak: number
  recoverGain: number
  /** From `nearPeak` of the peak to as far above it, the rate grows with this gain. */
  creepGain: number
}

export const defaultLedbat: LedbatConfig = {
  targetMs: 25,
  floor: 32 * 1024,
  start: 64 * 1024,
  gain: 1,
  maxCut: 0.5,
  baseBucketMs: 10_000,
  baseBuckets: 6,
  filter: 4,
  staleMs: 2_000,
  minHoldMs: 100,
  drainHoldMs: 1_500,
  peakMs: 30_000,
  busyShare: 0.9,
  nearPeak: 0.9,
  recoverGain: 2,
  creepGain: 0.02,
}

/** One round-trip time to `host`, in ms, measured at `at` (ms on any monotonic clock, the same as `now`). */
export interface DelaySample {
  host: string
  at: number
  rttMs: number
}

interface HostDelays {
  /** Per-bucket minima, oldest first; `start` is the bucket's start time. */
  buckets: Array<{ start: number; min: number }>
  /** The latest samples, oldest first, at most `filter` of them. */
  recent: number[]
  lastAt: number
}

export interface LedbatState {
  rate: number
  reason: BackgroundReason
  /** When the last step ran. */
  at: number
  lastCutAt: number | null
  hosts: Record<string, HostDelays>
  /** The rate at which the download's own queue last built (bytes per second), and when; null before any. */
  peak: number | null
  peakAt: number | null
  /** The newest sample time behind the last cut: a further cut needs newer evidence than that. */
  cutEvidenceAt: number | null
  /** Whether the last cut was taken at the peak (so the next one waits `drainHoldMs`), and the queue it saw. */
  cutAtPeak: boolean
  cutQueuingMs: number | null
  /**
   * What the transfers took while the rate did not hold them back (so the link or the server set the pace),
   * averaged over about a second, in bytes per second; null until such a step is seen.
   */
  linkAvg: number | null
  /** The base and queuing delay of the most congested fresh host at the last step. */
  baseMs: number | null
  queuingMs: number | null
}

export interface LedbatInput {
  now: number
  /** Samples since the last step, in any order. */
  samples: readonly DelaySample[]
  /** The most the limits allow (bytes per second); null or absent: no limit. */
  ceiling?: number | null
  /**
   * What the background transfers actually took over the last step, in bytes per second. A rate they do not use
   * says nothing about the link, so it does not grow (as LEDBAT grows the window only while it is the limit).
   */
  used?: number
  /**
   * Whether the rate held a transfer back at some time during the step. Reads come in pieces of up to a socket
   * buffer, so `used` over one step swings between none and several steps' worth; a rate that made a reader
   * wait was in use whatever the count says, and one that did not shows what the link delivers.
   */
  limiting?: boolean
}

export function initialLedbat(now: number, cfg: LedbatConfig = defaultLedbat): LedbatState {
  return {
    rate: cfg.start,
    reason: 'probing',
    at: now,
    lastCutAt: null,
    hosts: {},
    baseMs: null,
    queuingMs: null,
    peak: null,
    peakAt: null,
    cutEvidenceAt: null,
    cutAtPeak: false,
    cutQueuingMs: null,
    linkAvg: null,
  }
}

/** The state after taking in `input.samples` and letting `input.now - state.at` pass. */
export function stepLedbat(state: LedbatState, input: LedbatInput, cfg: LedbatConfig = defaultLedbat): LedbatState {
  const now = input.now
  const hosts: Record<string, HostDelays> = {}
  const window = cfg.baseBucketMs * cfg.baseBuckets
  for (const [host, h] of Object.entries(state.hosts)) {
    // A host unheard of for a whole window is forgotten: its base would no longer describe the path.
    if (now - h.lastAt < window) hosts[host] = { buckets: [...h.buckets], recent: [...h.recent], lastAt: h.lastAt }
  }
  for (const s of [...input.samples].sort((a, b) => a.at - b.at)) {
    if (!Number.isFinite(s.rttMs) || s.rttMs < 0 || !Number.isFinite(s.at)) continue
    const h = (hosts[s.host] ??= { buckets: [], recent: [], lastAt: s.at })
    const start = Math.floor(s.at / cfg.baseBucketMs) * cfg.baseBucketMs
    const last = h.buckets.at(-1)
    if (last && last.start === start) last.min = Math.min(last.min, s.rttMs)
    else if (!last || last.start < start) h.buckets.push({ start, min: s.rttMs })
    else {
      // A late sample from an older bucket still counts toward the minimum it belongs to.
      const own = h.buckets.find((b) => b.start === start)
      if (own) own.min = Math.min(own.min, s.rttMs)
    }
    h.recent.push(s.rttMs)
    if (h.recent.length > cfg.filter) h.recent.shift()
    h.lastAt = Math.max(h.lastAt, s.at)
  }
  const oldest = Math.floor(now / cfg.baseBucketMs) * cfg.baseBucketMs - (cfg.baseBuckets - 1) * cfg.baseBucketMs
  for (const h of Object.values(hosts)) {
    const kept = h.buckets.filter((b) => b.start >= oldest)
    // Never drop the last bucket: a host with samples keeps a base until it is forgotten altogether.
    h.buckets = kept.length > 0 ? kept : h.buckets.slice(-1)
  }

  // The most congested host with fresh samples speaks for the link.
  let queuingMs: number | null = null
  let baseMs: number | null = null
  let currentMs = 0
  let evidenceAt = 0
  for (const h of Object.values(hosts)) {
    if (now - h.lastAt > cfg.staleMs || h.recent.length === 0) continue
    const base = Math.min(...h.buckets.map((b) => b.min))
    const current = Math.min(...h.recent)
    if (queuingMs === null || current - base > queuingMs) {
      queuingMs = current - base
      baseMs = base
      currentMs = current
      evidenceAt = h.lastAt
    }
  }

  const ceiling = input.ceiling && input.ceiling > 0 ? input.ceiling : Infinity
  const bound = (r: number) => Math.min(ceiling, Math.max(cfg.floor, r))
  const dt = Math.min(Math.max(now - state.at, 0), 1_000) / 1_000
  let rate = state.rate
  let { lastCutAt, peak, peakAt, cutEvidenceAt, cutAtPeak, cutQueuingMs, linkAvg } = state
  if (input.limiting === false && input.used !== undefined && Number.isFinite(input.used) && dt > 0) {
    linkAvg = linkAvg === null ? input.used : linkAvg + dt * (input.used - linkAvg)
  }
  if (peak !== null && state.rate >= cfg.nearPeak * peak) peakAt = now
  else if (peakAt !== null && now - peakAt > cfg.peakMs) {
    peak = null
    peakAt = null
  }
  let reason: BackgroundReason

  if (queuingMs === null || baseMs === null) {
    // Nothing fresh to go by: hold the rate until a sample says what the queue is doing.
    rate = bound(rate)
    reason = rate >= ceiling ? 'limited' : 'probing'
  } else if (queuingMs <= cfg.targetMs) {
    const under = (cfg.targetMs - queuingMs) / cfg.targetMs
    const unused = input.limiting !== true && input.used !== undefined && input.used < rate * cfg.busyShare
    if (!unused) {
      const grown = rate + growthGain(rate, peak, under, cfg) * under * rate * dt
      // Recovery stops at the edge of the creep, not a step past it.
      const edge = peak === null ? Infinity : cfg.nearPeak * peak
      rate = rate < edge ? Math.min(grown, edge) : grown
    }
    rate = bound(rate)
    reason = rate >= ceiling ? 'limited' : 'growing'
  } else {
    // A queue that grew well past what the cut saw is not just the download's own one draining slowly.
    const draining = cutAtPeak && queuingMs <= (cutQueuingMs ?? 0) + cfg.targetMs / 2
    const hold = Math.max(draining ? cfg.drainHoldMs : cfg.minHoldMs, currentMs)
    // A cut shows in the samples only after it has, so one taken on the same samples as the last would cut twice.
    const fresh = cutEvidenceAt === null || evidenceAt > cutEvidenceAt
    if (fresh && (lastCutAt === null || now - lastCutAt >= hold)) {
      // Congestion at or past the peak is most likely the download's own queue; well under it, another flow's,
      // which says nothing about what the link can carry. With no peak known, the first cut of a spell sets one.
      const spell = state.reason === 'backing-off' || state.reason === 'at-floor'
      cutAtPeak = peak === null ? !spell : rate >= cfg.nearPeak * peak
      // A rate above what the transfers take is not what fills the queue: cut what actually flows.
      const flowing = linkAvg === null ? rate : Math.min(rate, linkAvg)
      if (cutAtPeak) {
        peak = flowing
        peakAt = now
      }
      const over = (queuingMs - cfg.targetMs) / cfg.targetMs
      rate = flowing * (1 - cfg.maxCut * Math.min(1, over))
      lastCutAt = now
      cutEvidenceAt = evidenceAt
      cutQueuingMs = queuingMs
    }
    rate = bound(rate)
    reason = rate <= cfg.floor ? 'at-floor' : 'backing-off'
  }
  return {
    rate,
    reason,
    at: now,
    lastCutAt,
    hosts,
    baseMs,
    queuingMs,
    peak,
    peakAt,
    cutEvidenceAt,
    cutAtPeak,
    cutQueuingMs,
    linkAvg,
  }
}

/** How fast the rate grows with no queue: quickly back to just under the peak, then slowly past it. */
function growthGain(rate: number, peak: number | null, under: number, cfg: LedbatConfig): number {
  if (peak === null) return cfg.gain
  if (rate < cfg.nearPeak * peak) return under >= 0.8 ? cfg.recoverGain : cfg.gain
  return rate < (2 - cfg.nearPeak) * peak ? cfg.creepGain : cfg.gain
}
