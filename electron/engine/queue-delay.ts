/**
 * Queuing delay from round-trip samples, per host: the lowest round trip seen over a window (the base delay, the
 * path with empty queues) and the lowest of the latest few samples (the delay now, with single noisy samples
 * filtered out). Anything the current delay is above the base is time spent in some queue on the way.
 *
 * A plain function of (state, samples, time): no clock, so a recorded sequence always gives the same figures.
 */
export interface DelayConfig {
  /** The base delay is the minimum over this many buckets of this many ms, so a route change ages out. */
  baseBucketMs: number
  baseBuckets: number
  /** The current delay of a host is the minimum of its latest this-many samples, which filters out noise. */
  filter: number
  /** A host with no sample for this long says nothing about the queue now. */
  staleMs: number
}

/** One round-trip time to `host`, in ms, measured at `at` (ms on any monotonic clock, the same as `now`). */
export interface DelaySample {
  host: string
  at: number
  rttMs: number
}

export interface HostDelays {
  /** Per-bucket minima, oldest first; `start` is the bucket's start time. */
  buckets: Array<{ start: number; min: number }>
  /** The latest samples, oldest first, at most `filter` of them. */
  recent: number[]
  lastAt: number
}

/** What the most congested host with fresh samples says about the link now. */
export interface QueueReading {
  baseMs: number
  queuingMs: number
  /** The round trip now (base plus queue), and the time of the newest sample behind the reading. */
  currentMs: number
  evidenceAt: number
}

/** The hosts after taking in `samples` at `now`; hosts unheard of for a whole window are forgotten. */
export function updateDelays(
  prev: Readonly<Record<string, HostDelays>>,
  samples: readonly DelaySample[],
  now: number,
  cfg: DelayConfig,
): Record<string, HostDelays> {
  const hosts: Record<string, HostDelays> = {}
  const window = cfg.baseBucketMs * cfg.baseBuckets
  for (const [host, h] of Object.entries(prev)) {
    // A host unheard of for a whole window is forgotten: its base would no longer describe the path.
    if (now - h.lastAt < window) hosts[host] = { buckets: [...h.buckets], recent: [...h.recent], lastAt: h.lastAt }
  }
  for (const s of [...samples].sort((a, b) => a.at - b.at)) {
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
  return hosts
}

/** The most congested host with fresh samples speaks for the link; null when no host has any. */
export function readQueue(
  hosts: Readonly<Record<string, HostDelays>>,
  now: number,
  cfg: DelayConfig,
): QueueReading | null {
  let out: QueueReading | null = null
  for (const h of Object.values(hosts)) {
    if (now - h.lastAt > cfg.staleMs || h.recent.length === 0) continue
    const baseMs = Math.min(...h.buckets.map((b) => b.min))
    const currentMs = Math.min(...h.recent)
    if (out === null || currentMs - baseMs > out.queuingMs) {
      out = { baseMs, queuingMs: currentMs - baseMs, currentMs, evidenceAt: h.lastAt }
    }
  }
  return out
}
