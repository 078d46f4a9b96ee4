import { readFileSync } from 'node:fs'

import { describe, expect, it } from 'vitest'

import {
  defaultLedbat,
  initialLedbat,
  stepLedbat,
  type DelaySample,
  type LedbatInput,
  type LedbatState,
} from '../../../electron/engine/ledbat-controller.ts'
import { runPacedLink } from '../../fixtures/paced-link.ts'

const STEP = 100

/** Drive the controller every 100 ms for `ms`, one sample per step from `rtt(t)`; returns every state. */
function drive(
  rtt: (t: number, i: number) => number | undefined,
  ms: number,
  opts: { from?: LedbatState; ceiling?: number | null; used?: (s: LedbatState) => number } = {},
): LedbatState[] {
  let s = opts.from ?? initialLedbat(0)
  const out: LedbatState[] = []
  const t0 = s.at
  for (let t = t0 + STEP, i = 0; t <= t0 + ms; t += STEP, i++) {
    const v = rtt(t, i)
    const samples: DelaySample[] = v === undefined ? [] : [{ host: 'a.test', at: t, rttMs: v }]
    const input: LedbatInput = { now: t, samples, ceiling: opts.ceiling ?? null }
    if (opts.used) input.used = opts.used(s)
    s = stepLedbat(s, input)
    out.push(s)
  }
  return out
}

const last = (states: LedbatState[]) => states[states.length - 1]!

describe('stepLedbat', () => {
  it('holds the start rate and says it is probing until a sample arrives', () => {
    const states = drive(() => undefined, 3_000)
    expect(states.every((s) => s.rate === defaultLedbat.start && s.reason === 'probing')).toBe(true)
  })

  it('grows on a steady path with no queue, up to the ceiling and never past it', () => {
    const ceiling = 2 * 1024 * 1024
    const states = drive((_t, i) => 20 + (i % 3) * 0.5, 10_000, { ceiling })
    for (let i = 1; i < states.length; i++) expect(states[i]!.rate).toBeGreaterThanOrEqual(states[i - 1]!.rate)
    expect(states[5]!.reason).toBe('growing')
    expect(states[5]!.rate).toBeGreaterThan(defaultLedbat.start)
    expect(Math.max(...states.map((s) => s.rate))).toBe(ceiling)
    expect(last(states).reason).toBe('limited')
    expect(last(states).baseMs).toBe(20)
  })

  it('grows more slowly the closer the queuing delay is to the target', () => {
    const idle = drive(() => 20, 1_000)
    const queued = drive((t) => (t <= 100 ? 20 : 40), 1_000)
    expect(last(queued).queuingMs).toBe(20)
    expect(last(queued).reason).toBe('growing')
    expect(last(queued).rate).toBeGreaterThan(defaultLedbat.start)
    expect(last(queued).rate).toBeLessThan(last(idle).rate)
  })

  it('cuts at once when a queue builds, and backs off down to the floor but never below it', () => {
    const steady = drive(() => 20, 5_000, { ceiling: null })
    // Congestion: 80 ms of queue on top of the 20 ms base.
    const onset = drive(() => 100, 5_000, { from: last(steady) })
    // The noise filter is the minimum of the latest four samples: the fourth congested sample decides.
    const firstOver = onset.findIndex((s) => (s.queuingMs ?? 0) > defaultLedbat.targetMs)
    expect(firstOver).toBe(defaultLedbat.filter - 1)
    expect(onset[firstOver]!.rate).toBeLessThanOrEqual(onset[firstOver - 1]!.rate / 2)
    expect(onset[firstOver]!.reason).toBe('backing-off')
    expect(Math.min(...onset.map((s) => s.rate))).toBe(defaultLedbat.floor)
    expect(last(onset).reason).toBe('at-floor')
  })

  it('cuts at most once per round trip while the queue drains', () => {
    let s = drive(() => 20, 5_000, { ceiling: null }).at(-1)!
    const cuts: number[] = []
    // Samples every 10 ms of a 200 ms round trip: a cut shows in the samples only a round trip later. The first
    // cut is taken at the peak, so the second waits the drain hold; the ones after that, a round trip each.
    const t0 = s.at
    for (let t = t0 + 10; t <= t0 + defaultLedbat.drainHoldMs + 1_000; t += 10) {
      const before = s.rate
      s = stepLedbat(s, { now: t, samples: [{ host: 'a.test', at: t, rttMs: 200 }] })
      if (s.rate < before) cuts.push(t)
    }
    expect(cuts.length).toBeGreaterThan(1)
    for (let i = 1; i < cuts.length; i++) expect(cuts[i]! - cuts[i - 1]!).toBeGreaterThanOrEqual(200)
  })

  it('cuts gently just over the target and deeply far over it', () => {
    const from = last(drive(() => 20, 5_000, { ceiling: null }))
    const slight = drive(() => 50, 400, { from }) // 30 ms of queue
    const far = drive(() => 200, 400, { from }) // 180 ms of queue
    // The fourth congested sample is the first the noise filter lets through.
    const i = defaultLedbat.filter - 1
    const cut = (states: LedbatState[]) => states[i]!.rate / states[i - 1]!.rate
    expect(cut(slight)).toBeLessThan(1)
    expect(cut(slight)).toBeGreaterThan(0.75)
    expect(cut(far)).toBeLessThanOrEqual(0.5)
  })

  it('is not moved by single noisy samples: the filter takes the minimum of the latest few', () => {
    // Jitter of up to 10 ms, and a 150 ms spike on every seventh sample.
    const noisy = (_t: number, i: number) => (i % 7 === 3 ? 170 : 20 + ((i * 37) % 11))
    const states = drive(noisy, 10_000, { ceiling: null })
    for (let i = 1; i < states.length; i++) expect(states[i]!.rate).toBeGreaterThanOrEqual(states[i - 1]!.rate)
    expect(states.every((s) => s.reason === 'growing')).toBe(true)
  })

  it('learns a longer route once the old minimum ages out of its window, then grows again', () => {
    const window = defaultLedbat.baseBucketMs * defaultLedbat.baseBuckets
    const before = last(drive(() => 20, 30_000, { ceiling: 4 * 1024 * 1024 }))
    // The route changes: 60 ms with no queue at all. Until the 20 ms minimum ages out, it looks like a queue.
    const after = drive(() => 60, window + 2 * defaultLedbat.baseBucketMs, { from: before })
    expect(after[50]!.reason).toBe('at-floor')
    expect(after[50]!.baseMs).toBe(20)
    const learned = after.findIndex((s) => s.baseMs === 60)
    expect(learned).toBeGreaterThan(0)
    expect((learned + 1) * STEP).toBeLessThanOrEqual(window)
    expect((learned + 1) * STEP).toBeGreaterThan(window - defaultLedbat.baseBucketMs)
    expect(last(after).reason).toBe('growing')
    expect(last(after).rate).toBeGreaterThan(after[learned]!.rate)
  })

  it('takes a shorter route as the new base at once', () => {
    const before = last(drive(() => 60, 10_000, { ceiling: null }))
    const after = drive(() => 15, 1_000, { from: before })
    expect(after[0]!.baseMs).toBe(15)
    expect(after.every((s) => s.reason === 'growing')).toBe(true)
  })

  it('does not grow a rate the transfers leave unused', () => {
    const states = drive(() => 20, 5_000, { used: () => 10 * 1024 })
    expect(states.every((s) => s.rate === defaultLedbat.start)).toBe(true)
    const using = drive(() => 20, 5_000, { used: (s) => s.rate })
    expect(last(using).rate).toBeGreaterThan(defaultLedbat.start)
  })

  it('never exceeds a limit lower than the floor', () => {
    const states = drive((t) => (t < 3_000 ? 20 : 120), 6_000, { ceiling: 8 * 1024 })
    expect(states.every((s) => s.rate <= 8 * 1024)).toBe(true)
  })

  it('lets the most congested host speak for the link, and forgets a host gone quiet', () => {
    let s = initialLedbat(0)
    for (let t = 100; t <= 2_000; t += 100) {
      s = stepLedbat(s, {
        now: t,
        samples: [
          { host: 'a.test', at: t, rttMs: 20 },
          { host: 'b.test', at: t, rttMs: t < 1_000 ? 30 : 90 },
        ],
      })
    }
    expect(s.baseMs).toBe(30)
    expect(s.queuingMs).toBe(60)
    expect(s.reason).not.toBe('growing')
    // b.test falls silent: once stale, a.test's empty queue decides again.
    for (let t = 2_100; t <= 5_000; t += 100) {
      s = stepLedbat(s, { now: t, samples: [{ host: 'a.test', at: t, rttMs: 20 }] })
    }
    expect(s.reason).toBe('growing')
    expect(s.queuingMs).toBe(0)
  })

  it('gives the same rates for the same samples and times', () => {
    const rtt = (_t: number, i: number) => 20 + ((i * 13) % 40)
    expect(drive(rtt, 5_000)).toEqual(drive(rtt, 5_000))
  })

  it('on a recorded sequence (a 4 Mbit/s tbf link, quiet, then curl starts at 3 s): grows, then backs off to the floor', () => {
    // TCP connect times of the benchmark's probe (bench/background.sh with RECORD), in ms from its start.
    const recorded = JSON.parse(
      readFileSync(new URL('../../fixtures/recorded/tbf-4mbit-curl-onset.json', import.meta.url), 'utf8'),
    ) as Array<{ at: number; rttMs: number }>
    let s = initialLedbat(0)
    const at = (t: number) => {
      const samples = recorded.filter((r) => r.at > t - STEP && r.at <= t).map((r) => ({ host: 'srv', ...r }))
      s = stepLedbat(s, { now: t, samples })
      return s
    }
    const quiet: LedbatState[] = []
    for (let t = STEP; t <= 3_000; t += STEP) quiet.push(at(t))
    expect(last(quiet).rate).toBeGreaterThan(4 * defaultLedbat.start)
    expect(quiet.some((q) => q.reason === 'backing-off')).toBe(false)
    const busy: LedbatState[] = []
    for (let t = 3_100; t <= 7_500; t += STEP) busy.push(at(t))
    expect(busy.findIndex((b) => b.reason === 'at-floor')).toBeLessThan(20)
    expect(Math.min(...busy.map((b) => b.rate))).toBe(defaultLedbat.floor)
    expect(Math.max(...busy.slice(20).map((b) => b.rate))).toBeLessThan(last(quiet).rate / 4)
  })
})

describe('stepLedbat behind a receive buffer', () => {
  // The benchmark's link: 4 Mbit/s, a receive buffer of 400 kB, a sender that keeps 25 kB queued (50 ms), a
  // probe every 300 ms of which every fifth is 40 ms late (the probing process's own event loop).
  const link = {
    linkRate: 500_000,
    receiveBuffer: 400_000,
    senderQueue: 25_000,
    baseMs: 1,
    probeEveryMs: 300,
    probeNoise: (n: number) => (n % 5 === 2 ? 40 : 0),
    stepMs: STEP,
  }
  const share = (perSecond: number[], from: number) =>
    perSecond.slice(from).reduce((a, b) => a + b, 0) / ((perSecond.length - from) * link.linkRate)

  it('a download alone settles at 90 % of the link or more within 20 s, with the queue under the target', () => {
    const run = runPacedLink(60, link)
    expect(share(run.perSecond, 20)).toBeGreaterThanOrEqual(0.9)
    const queued = run.queueMs.slice(200)
    expect(queued.reduce((a, b) => a + b, 0) / queued.length).toBeLessThan(defaultLedbat.targetMs)
  })

  it('on a receive buffer twice as large, still 90 % or more', () => {
    const run = runPacedLink(60, { ...link, receiveBuffer: 800_000 })
    expect(share(run.perSecond, 20)).toBeGreaterThanOrEqual(0.9)
  })

  it('leaves another download that queues 40 ms at least 80 % of the link, whether it comes early or late', () => {
    for (const fromS of [2, 20]) {
      const run = runPacedLink(fromS + 15, { ...link, competing: { fromS, queue: 20_000 } })
      expect(share(run.otherPerSecond, fromS), `from ${fromS} s`).toBeGreaterThanOrEqual(0.8)
    }
  })
})

describe('stepLedbat after a cut', () => {
  /** Grow with the rate in use to about `to`, then return the state (no queue at all). */
  const grownTo = (to: number) => {
    let s = initialLedbat(0)
    for (let t = STEP; s.rate < to; t += STEP) {
      s = stepLedbat(s, { now: t, samples: [{ host: 'a.test', at: t, rttMs: 20 }], used: s.rate, limiting: true })
    }
    return s
  }
  const step = (s: LedbatState, t: number, rttMs: number | undefined, extra: Partial<LedbatInput> = {}) =>
    stepLedbat(s, {
      now: t,
      samples: rttMs === undefined ? [] : [{ host: 'a.test', at: t, rttMs }],
      used: s.rate,
      limiting: true,
      ...extra,
    })

  it('waits the drain hold after a cut at the peak while the queue only holds, and cuts on once it grows', () => {
    let s = grownTo(1_000_000)
    const t0 = s.at
    const cuts: number[] = []
    // 50 ms of queue for two seconds: the download's own queue, draining only once the receive buffer is full.
    for (let t = t0 + STEP; t <= t0 + 2_000; t += STEP) {
      const before = s.rate
      s = step(s, t, 70)
      if (s.rate < before) cuts.push(t - t0)
    }
    expect(cuts.length).toBeGreaterThanOrEqual(1)
    expect(cuts[1] === undefined || cuts[1] - cuts[0]! >= defaultLedbat.drainHoldMs).toBe(true)
    // Another flow's queue: it keeps growing, so the cuts go on a round trip apart down to the floor.
    let flow = grownTo(1_000_000)
    const onset = flow.at
    const growing: number[] = []
    for (let t = onset + STEP; t <= onset + 2_000; t += STEP) {
      const before = flow.rate
      flow = step(flow, t, 70 + (t - onset) / 5)
      if (flow.rate < before) growing.push(t - onset)
    }
    expect(growing.length).toBeGreaterThan(3)
    expect(growing[1]! - growing[0]!).toBeLessThan(defaultLedbat.drainHoldMs)
  })

  it('does not cut again on the samples behind the last cut', () => {
    const cfg = { ...defaultLedbat, drainHoldMs: 0 }
    let s = initialLedbat(0, cfg)
    for (let t = STEP; t <= 3_000; t += STEP) {
      s = stepLedbat(s, { now: t, samples: [{ host: 'a.test', at: t, rttMs: 20 }] }, cfg)
    }
    // Four congested samples (the noise filter's length), then none for a second and a half.
    for (let t = 3_100; t <= 3_400; t += STEP) {
      s = stepLedbat(s, { now: t, samples: [{ host: 'a.test', at: t, rttMs: 100 }] }, cfg)
    }
    const afterCut = s.rate
    expect(afterCut).toBeLessThan(last(drive(() => 20, 3_000)).rate)
    for (let t = 3_500; t <= 4_900; t += STEP) s = stepLedbat(s, { now: t, samples: [] }, cfg)
    expect(s.rate).toBe(afterCut)
    expect(s.reason).toBe('backing-off')
  })

  it('cuts what the transfers actually take when the rate is above it', () => {
    let s = grownTo(1_000_000)
    // The link delivers 400 kB/s: the rate holds nobody back.
    for (let t = s.at + STEP, i = 0; i < 20; t += STEP, i++) s = step(s, t, 20, { used: 400_000, limiting: false })
    expect(s.rate).toBeGreaterThan(400_000 / defaultLedbat.busyShare)
    for (let t = s.at + STEP, i = 0; i < 4; t += STEP, i++) s = step(s, t, 55, { used: 400_000, limiting: false })
    expect(s.reason).toBe('backing-off')
    expect(s.peak).toBeCloseTo(400_000, -4)
    expect(s.rate).toBeLessThan(400_000)
  })

  it('does not grow while the rate holds nobody back and they take well under it', () => {
    let s = grownTo(200_000)
    const from = s.rate
    for (let t = s.at + STEP, i = 0; i < 30; t += STEP, i++) s = step(s, t, 20, { used: 0.85 * from, limiting: false })
    expect(s.rate).toBe(from)
    for (let t = s.at + STEP, i = 0; i < 30; t += STEP, i++) s = step(s, t, 20, { used: 0, limiting: true })
    expect(s.rate).toBeGreaterThan(from)
  })

  it('after a spell of its own queue, climbs back to just under the peak within two seconds, then creeps', () => {
    let s = grownTo(1_000_000)
    for (let t = s.at + STEP; s.reason !== 'at-floor'; t += STEP) s = step(s, t, 200)
    const peak = s.peak!
    expect(peak).toBeGreaterThanOrEqual(1_000_000)
    // The queue is gone (the previous samples age out of the noise filter within four steps).
    const back: LedbatState[] = []
    for (let t = s.at + STEP, i = 0; i < 50; t += STEP, i++) back.push((s = step(s, t, 20)))
    expect(back[19]!.rate).toBeGreaterThanOrEqual(defaultLedbat.nearPeak * peak * 0.99)
    expect(last(back).rate).toBeLessThan(peak)
  })
})
