/**
 * Bytes per second over a sliding window, for the speed and ETA shown per transfer.
 *
 * A window (not an all-time average) so a resumed or throttled download shows what it does now; samples are
 * bucketed per 250 ms so a fast download does not allocate per chunk.
 */
export class SpeedMeter {
  readonly #windowMs: number
  readonly #now: () => number
  #buckets: Array<{ at: number; bytes: number }> = []

  constructor(windowMs = 3000, now: () => number = () => performance.now()) {
    this.#windowMs = windowMs
    this.#now = now
  }

  add(bytes: number): void {
    const at = Math.floor(this.#now() / 250) * 250
    const last = this.#buckets.at(-1)
    if (last && last.at === at) last.bytes += bytes
    else this.#buckets.push({ at, bytes })
    this.#trim()
  }

  /** Bytes per second; 0 when nothing arrived within the window. */
  rate(): number {
    this.#trim()
    const first = this.#buckets[0]
    if (!first) return 0
    const span = Math.max(1000, this.#now() - first.at)
    return (this.#buckets.reduce((n, b) => n + b.bytes, 0) * 1000) / span
  }

  #trim(): void {
    const cutoff = this.#now() - this.#windowMs
    while (this.#buckets.length > 0 && (this.#buckets[0] as { at: number }).at < cutoff) this.#buckets.shift()
  }
}

/** Seconds left at the current rate; undefined when the total or the rate is unknown. */
export function etaSeconds(total: number | null, done: number, rate: number): number | undefined {
  if (total === null || rate <= 0) return undefined
  return Math.max(0, Math.ceil((total - done) / rate))
}
