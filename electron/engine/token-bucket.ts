/**
 * A token bucket for byte rates: `take(n)` says how long to wait before `n` more bytes may be read.
 *
 * Reads are paused rather than buffered, so a limited download holds no more than one socket buffer in memory
 * and TCP flow control slows the server down for us. The burst is one second's worth.
 */
export class TokenBucket {
  #rate: number
  #tokens: number
  #last: number
  readonly #now: () => number
  #burst: number

  /** `burstSeconds`: how many seconds' worth may be read at once after a pause (one by default). */
  constructor(bytesPerSecond: number, now: () => number = () => performance.now(), burstSeconds = 1) {
    this.#rate = bytesPerSecond
    this.#burst = burstSeconds
    this.#tokens = bytesPerSecond * burstSeconds
    this.#now = now
    this.#last = now()
  }

  /** The bytes per second now allowed; 0 when unlimited. */
  get rate(): number {
    return Math.max(0, this.#rate)
  }

  /** A new rate; 0 (or less) lifts the limit, so a settings change needs no new bucket. */
  setRate(bytesPerSecond: number): void {
    this.#rate = bytesPerSecond
    this.#tokens = Math.min(this.#tokens, bytesPerSecond * this.#burst)
  }

  /** A new burst, in seconds' worth at the rate; tokens above it are dropped. */
  setBurst(burstSeconds: number): void {
    this.#burst = burstSeconds
    this.#tokens = Math.min(this.#tokens, this.#rate * burstSeconds)
  }

  /** Spend `n` bytes; returns the milliseconds to wait before reading on (0 when within the rate). */
  take(n: number): number {
    if (this.#rate <= 0) return 0
    const t = this.#now()
    this.#tokens = Math.min(this.#rate * this.#burst, this.#tokens + ((t - this.#last) / 1000) * this.#rate)
    this.#last = t
    this.#tokens -= n
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens / this.#rate) * 1000)
  }
}
