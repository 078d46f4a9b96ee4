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
}

export function initialLedbat(now: number, cfg: LedbatConfig = defaultLedbat): LedbatState {
  return { rate: cfg.start, reason: 'probing', at: now, lastCutAt: null, hosts: {}, baseMs: null, queuingMs: null }
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
  for (const h of Object.values(hosts)) {
    if (now - h.lastAt > cfg.staleMs || h.recent.length === 0) continue
    const base = Math.min(...h.buckets.map((b) => b.min))
    const current = Math.min(...h.recent)
    if (queuingMs === null || current - base > queuingMs) {
      queuingMs = current - base
      baseMs = base
      currentMs = current
    }
  }

  const ceiling = input.ceiling && input.ceiling > 0 ? input.ceiling : Infinity
  const bound = (r: number) => Math.min(ceiling, Math.max(cfg.floor, r))
  const dt = Math.min(Math.max(now - state.at, 0), 1_000) / 1_000
  let rate = state.rate
  let lastCutAt = state.lastCutAt
  let reason: BackgroundReason

  if (queuingMs === null || baseMs === null) {
    // Nothing fresh to go by: hold the rate until a sample says what the queue is doing.
    rate = bound(rate)
    reason = rate >= ceiling ? 'limited' : 'probing'
  } else if (queuingMs <= cfg.targetMs) {
    const under = (cfg.targetMs - queuingMs) / cfg.targetMs
    const unused = input.used !== undefined && input.used < rate / 2
    if (!unused) rate += cfg.gain * under * rate * dt
    rate = bound(rate)
    reason = rate >= ceiling ? 'limited' : 'growing'
  } else {
    const hold = Math.max(cfg.minHoldMs, currentMs)
    if (lastCutAt === null || now - lastCutAt >= hold) {
      const over = (queuingMs - cfg.targetMs) / cfg.targetMs
      rate = rate * (1 - cfg.maxCut * Math.min(1, over))
      lastCutAt = now
    }
    rate = bound(rate)
    reason = rate <= cfg.floor ? 'at-floor' : 'backing-off'
  }
  return { rate, reason, at: now, lastCutAt, hosts, baseMs, queuingMs }
}
