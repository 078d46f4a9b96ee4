import { appendFileSync } from 'node:fs'
import { connect } from 'node:net'

import type { BackgroundStatus } from '../../shared/priority.ts'
import {
  defaultRate,
  initialRate,
  stepRate,
  type DelaySample,
  type RateConfig,
  type RateState,
} from './rate-controller.ts'
import { TokenBucket } from './token-bucket.ts'

/** Measures one round trip to an address: here, the time a TCP connect takes (SYN to SYN-ACK). */
export type DelayProbe = (address: string, port: number) => Promise<number>

export interface BackgroundRateOptions {
  config?: RateConfig
  /** How often the controller steps while a background transfer runs. */
  tickMs?: number
  /** A host with no sample for this long gets a probe; so at most one probe per host per this many ms. */
  probeMs?: number
  /** The global limit in force (bytes per second), or 0/null for none; read at every step. */
  ceiling?: () => number | null
  probe?: DelayProbe
  now?: () => number
  /** Called after every step with what the controller saw and set (for plotting a run). */
  trace?: (step: BackgroundTraceStep) => void
  /** A number in [0, 1) that places each probe within its interval; and how a probe is put off that long. */
  random?: () => number
  later?: (run: () => void, ms: number) => void
}

/** One controller step as a trace records it: times in ms on the controller's clock, rates in bytes per second. */
export interface BackgroundTraceStep {
  at: number
  rate: number
  /** What the transfers read over the step, and whether the rate held one of them back. */
  used: number
  limiting: boolean
  reason: RateState['reason']
  baseMs: number | null
  queuingMs: number | null
  samples: ReadonlyArray<{ at: number; rttMs: number }>
}

/**
 * The background bucket's burst: a hundredth of a second's worth. Each read the bucket lets through frees as
 * much of the socket's receive buffer, which the sender fills at once: on the benchmark's 4 Mbit/s link, tbf
 * lets 4 kB through at a time and queues the rest, so the reads come in pieces of about that size.
 */
const BURST_SECONDS = 0.01

/** The most a background connection reads from the kernel at once (see BURST_SECONDS), and its smallest request. */
export const BACKGROUND_READ_BYTES = 4096

/** A paced range request asks for at most this many bytes. */
const MAX_PIECE = 1024 * 1024

interface Endpoint {
  address: string
  port: number
  lastSampleAt: number
  probing: boolean
}

/**
 * The one rate every background transfer shares: a token bucket whose rate the controller (rate-controller.ts)
 * sets, from the round trips the downloads produce anyway (each request's time to its
 * first byte) and from a light probe (a TCP connect) to hosts that have gone without a sample for a while.
 *
 * Normal transfers never take from this bucket, so they are not held back by it; background ones take from it
 * beside the global and their own limits, which also cap what the controller may allow.
 */
export class BackgroundRate {
  readonly bucket: CountingBucket
  readonly #cfg: RateConfig
  readonly #tickMs: number
  readonly #probeMs: number
  readonly #ceiling: () => number | null
  readonly #probe: DelayProbe
  readonly #now: () => number
  readonly #trace: ((step: BackgroundTraceStep) => void) | undefined
  readonly #random: () => number
  readonly #later: (run: () => void, ms: number) => void
  #state: RateState
  #pending: DelaySample[] = []
  readonly #active = new Map<number, number | null>()
  readonly #endpoints = new Map<string, Endpoint>()
  #timer: NodeJS.Timeout | undefined
  #lastTick: number

  constructor(opts: BackgroundRateOptions = {}) {
    this.#cfg = opts.config ?? defaultRate
    this.#tickMs = opts.tickMs ?? 100
    this.#probeMs = opts.probeMs ?? 100
    this.#ceiling = opts.ceiling ?? (() => null)
    this.#probe = opts.probe ?? connectTime
    this.#now = opts.now ?? (() => performance.now())
    this.#trace = opts.trace
    this.#random = opts.random ?? Math.random
    this.#later = opts.later ?? ((run, ms) => setTimeout(run, ms).unref())
    this.#lastTick = this.#now()
    this.#state = initialRate(this.#lastTick, this.#cfg)
    // A short burst (one piece): whatever the bucket lets through at once, the server sends at once into the
    // link's queue, which is exactly the delay this controller is there to avoid.
    this.bucket = new CountingBucket(this.#state.rate, this.#now, this.#burstSeconds())
  }

  /** A background transfer starts (with its own limit, if any); call the returned function when it stops. */
  join(id: number, limit: number | null): () => void {
    this.#active.set(id, limit)
    if (!this.#timer) {
      this.#lastTick = this.#now()
      this.bucket.drainCount()
      this.#timer = setInterval(() => this.tick(), this.#tickMs)
      this.#timer.unref()
    }
    return () => {
      this.#active.delete(id)
      if (this.#active.size === 0) this.stop()
    }
  }

  /** A round trip to `host` at `address:port` (a request's time to its first byte). */
  sample(host: string, address: string, port: number, rttMs: number): void {
    const at = this.#now()
    this.#pending.push({ host, at, rttMs })
    const e = this.#endpoints.get(host)
    if (e) Object.assign(e, { address, port, lastSampleAt: at })
    else this.#endpoints.set(host, { address, port, lastSampleAt: at, probing: false })
  }

  /**
   * How much a paced transfer's next range request asks for: about 10 ms at the rate, and at least two round
   * trips' worth (requests go one after another, so a smaller piece would let the round trip set the pace).
   */
  chunkBytes(): number {
    const seconds = BURST_SECONDS + (2 * (this.#state.baseMs ?? 0)) / 1000
    return Math.min(MAX_PIECE, Math.max(BACKGROUND_READ_BYTES, Math.floor(this.#state.rate * seconds)))
  }

  /**
   * The bucket's burst is one piece: a piece the link delivers more slowly than the rate leaves the bucket full
   * for the next one, which then waits for nothing, so the controller sees the rate unused.
   */
  #burstSeconds(): number {
    return this.chunkBytes() / Math.max(1, this.#state.rate)
  }

  /** A paced transfer is about to ask for `n` bytes: the ms it must wait first. */
  take(n: number): number {
    return this.bucket.take(n)
  }

  /** One controller step: take the samples, set the bucket's rate, and probe hosts gone quiet. */
  tick(): void {
    const now = this.#now()
    const seconds = Math.max(now - this.#lastTick, 1) / 1000
    this.#lastTick = now
    const used = this.bucket.drainCount() / seconds
    const limiting = this.bucket.heldSince(now - seconds * 1000)
    const input = { now, samples: this.#pending, ceiling: this.#ceilingNow(), used, limiting }
    this.#state = stepRate(this.#state, input, this.#cfg)
    if (this.#trace) {
      const { rate, reason, baseMs, queuingMs } = this.#state
      const samples = this.#pending.map(({ at, rttMs }) => ({ at, rttMs }))
      this.#trace({ at: now, rate, used, limiting, reason, baseMs, queuingMs, samples })
    }
    this.#pending = []
    this.bucket.setRate(this.#state.rate)
    this.bucket.setBurst(this.#burstSeconds())
    for (const [host, e] of this.#endpoints) {
      if (e.probing || now - e.lastSampleAt < this.#probeMs) continue
      e.probing = true
      // Not on the step: the reads resume in step with the bucket, and a probe sent on the step would meet the
      // burst each read lets into the link's queue every time, showing a queue the link mostly does not have.
      this.#later(() => this.#probeNow(host, e), Math.floor(this.#random() * this.#probeMs))
    }
  }

  #probeNow(host: string, e: Endpoint): void {
    if (!this.#timer) {
      e.probing = false
      return
    }
    this.#probe(e.address, e.port).then(
      (ms) => {
        e.probing = false
        if (this.#timer) this.sample(host, e.address, e.port, ms)
      },
      () => {
        e.probing = false
        // A failed probe says nothing about delay; wait a whole interval before the next.
        e.lastSampleAt = this.#now()
      },
    )
  }

  status(): BackgroundStatus {
    const s = this.#state
    return {
      rate: s.rate,
      reason: this.#active.size === 0 ? 'idle' : s.reason,
      active: this.#active.size,
      baseDelayMs: s.baseMs,
      queuingDelayMs: s.queuingMs,
      targetMs: this.#cfg.thresholdMs,
      floor: this.#cfg.floor,
    }
  }

  /** No background transfer runs: stop stepping and probing (the rate and delays learned are kept). */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
    this.#endpoints.clear()
  }

  /** The lowest of the global limit and, when every running background transfer has one, their sum. */
  #ceilingNow(): number | null {
    const global = this.#ceiling()
    const own = [...this.#active.values()]
    const sum = own.length > 0 && own.every((l) => l !== null) ? own.reduce<number>((a, l) => a + (l ?? 0), 0) : null
    const limits = [global, sum].filter((l): l is number => l !== null && l > 0)
    return limits.length > 0 ? Math.min(...limits) : null
  }
}

/** A token bucket that also counts what was taken, so the controller knows whether its rate is used. */
export class CountingBucket extends TokenBucket {
  #taken = 0
  #heldUntil = -Infinity
  readonly #clock: () => number

  constructor(bytesPerSecond: number, now: () => number = () => performance.now(), burstSeconds = 1) {
    super(bytesPerSecond, now, burstSeconds)
    this.#clock = now
  }

  override take(n: number): number {
    this.#taken += n
    const wait = super.take(n)
    if (wait > 0) this.#heldUntil = Math.max(this.#heldUntil, this.#clock() + wait)
    return wait
  }

  /** Whether a reader was kept waiting by this bucket at any time after `since`. */
  heldSince(since: number): boolean {
    return this.#heldUntil > since
  }

  /** Bytes taken since the last call. */
  drainCount(): number {
    const n = this.#taken
    this.#taken = 0
    return n
  }
}

/** The time a TCP connect to `address:port` takes, in ms; rejects on an error or after two seconds. */
export function connectTime(address: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const socket = connect({ host: address, port })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no connection to ${address}:${port} within 2 s`))
    }, 2_000)
    socket.once('connect', () => {
      clearTimeout(timer)
      const ms = performance.now() - started
      socket.destroy()
      resolve(ms)
    })
    socket.once('error', (err) => {
      clearTimeout(timer)
      socket.destroy()
      reject(err)
    })
  })
}

/** What a process with no background controller reports: nothing running, the default figures. */
export function idleBackground(cfg: RateConfig = defaultRate): BackgroundStatus {
  return {
    rate: cfg.start,
    reason: 'idle',
    active: 0,
    baseDelayMs: null,
    queuingDelayMs: null,
    targetMs: cfg.thresholdMs,
    floor: cfg.floor,
  }
}

/**
 * `PINPOINT_BACKGROUND_TRACE=<file>`: every controller step is appended to that file as one JSON line, to plot
 * how the rate followed the delay in a run. A trace that cannot be written is dropped, never a download.
 */
export function backgroundTraceFromEnv(env: NodeJS.ProcessEnv): Pick<BackgroundRateOptions, 'trace'> {
  const file = env.PINPOINT_BACKGROUND_TRACE
  if (!file) return {}
  let broken = false
  return {
    trace: (step) => {
      if (broken) return
      try {
        appendFileSync(file, `${JSON.stringify(step)}\n`)
      } catch {
        broken = true
      }
    },
  }
}
