import { readFileSync } from 'node:fs'

import { describe, expect, it } from 'vitest'

import {
  defaultRate as cfg,
  initialRate,
  stepRate,
  type RateInput,
  type RateState,
} from '../../../electron/engine/rate-controller.ts'
import { runPacedLink } from '../../fixtures/paced-link.ts'

const STEP = 100

interface Drive {
  /** The round trip sampled at `t` (one sample per step), or none. */
  rtt?: (t: number) => number | undefined
  /** Whether the rate held a transfer back during the step (default: yes), and what they took. */
  limiting?: (s: RateState) => boolean
  used?: (s: RateState) => number
  ceiling?: number | null
}

/** Step the controller every 100 ms for `ms` from `from`; every state. By default: 20 ms round trips, rate in use. */
function drive(from: RateState, ms: number, d: Drive = {}): RateState[] {
  let s = from
  const out: RateState[] = []
  for (let t = from.at + STEP; t <= from.at + ms; t += STEP) {
    const v = d.rtt ? d.rtt(t) : 20
    const input: RateInput = {
      now: t,
      samples: v === undefined ? [] : [{ host: 'a.test', at: t, rttMs: v }],
      ceiling: d.ceiling ?? null,
      limiting: d.limiting ? d.limiting(s) : true,
    }
    if (d.used) input.used = d.used(s)
    s = stepRate(s, input)
    out.push(s)
  }
  return out
}

const last = (states: RateState[]) => states[states.length - 1]!
const start = () => initialRate(0)

/** Startup on a quiet path, then a queue that grows 10 ms a step: the controller measures the link and holds. */
function measured(): RateState {
  const grown = last(drive(start(), 2_000))
  let k = 0
  const onset = drive(grown, 1_000, { rtt: () => 20 + 10 * ++k }).find((s) => s.mode !== 'startup')!
  return last(drive(onset, 1_000))
}

describe('stepRate: startup', () => {
  it('holds the start rate and says it is probing until a sample arrives', () => {
    const states = drive(start(), 2_000, { rtt: () => undefined })
    expect(states.every((s) => s.rate === cfg.start && s.reason === 'probing')).toBe(true)
  })

  it('grows by the startup gain per second while its rate is in use and no queue shows', () => {
    const states = drive(start(), 2_000)
    expect(states.every((s) => s.reason === 'growing' && s.mode === 'startup')).toBe(true)
    expect(last(states).rate).toBeCloseTo(cfg.start * cfg.startupGain ** 2, -2)
  })

  it('does not grow a rate the transfers leave unused', () => {
    const states = drive(start(), 2_000, { limiting: () => false, used: () => 0 })
    expect(last(states).rate).toBe(cfg.start)
  })

  it('ends on a growing queue, taking the link to be the rate from before the samples caught up, and drains', () => {
    const quiet = drive(start(), 2_000)
    const grown = last(quiet)
    let k = 0
    const states = drive(grown, 1_000, { rtt: () => 20 + 10 * ++k })
    const i = states.findIndex((s) => s.mode !== 'startup')
    // The third rising sample is the first the filter (the lowest of the latest three) lets through, and the
    // fourth shows the queue still growing.
    expect(i).toBe(cfg.filter)
    const exit = states[i]!
    const before = states[i - 1]!
    expect(exit.mode).toBe('drain')
    expect(exit.link).toBeLessThan(before.rate)
    // The rate in force a little before: the one set `exitLagMs` and a step earlier.
    const then = [...quiet, ...states].find((s) => s.at === exit.at - cfg.exitLagMs - STEP)!
    expect(exit.link).toBe(then.rate)
    expect(exit.rate).toBeCloseTo(cfg.drainGain * exit.link!, 6)
    expect(exit.reason).toBe('backing-off')
  })

  it('is not ended by a queue that shrinks on its own (the window the sender had before the pacing)', () => {
    // The first sample (the request's first byte) sets a 20 ms base; then a queue of 80 ms drains by 10 ms a step.
    let k = 0
    const rtt = (t: number) => (t === STEP ? 20 : Math.max(20, 100 - 10 * k++))
    const states = drive(start(), 2_000, { rtt })
    expect(states.every((s) => s.mode === 'startup')).toBe(true)
    // It holds while the queue is there and grows once it is gone.
    expect(states[3]!.queuingMs).toBe(60)
    expect(states[4]!.queuingMs).toBe(50)
    expect(states[4]!.rate).toBe(states[2]!.rate)
    expect(last(states).rate).toBeGreaterThan(states[4]!.rate)
  })

  it('ends when the rate goes unused for a few steps in a row: the link delivers what the transfers took', () => {
    const grown = last(drive(start(), 2_000))
    const states = drive(grown, 1_000, { limiting: () => false, used: () => 100_000 })
    const i = states.findIndex((s) => s.mode !== 'startup')
    expect(i).toBe(cfg.idleSteps - 1)
    expect(states[i]!.link).toBe(100_000)
    expect(states[i]!.rate).toBeCloseTo(cfg.drainGain * 100_000, 6)
  })
})

describe('stepRate: holding and reaching', () => {
  it('holds at the cruise share of the measure once the drain is over', () => {
    const s = measured()
    expect(s.mode).toBe('cruise')
    expect(s.reason).toBe('holding')
    expect(s.rate).toBeCloseTo(cfg.cruiseGain * s.link!, 6)
  })

  it('reaches above the measure now and then, briefly, then drains; no queue makes that rate the measure', () => {
    const held = measured()
    const states = drive(held, 2 * cfg.probeEveryMs)
    const first = states.findIndex((s) => s.mode === 'probe')
    expect(first).toBeGreaterThan(0)
    expect(states[first]!.at - held.at).toBeLessThanOrEqual(cfg.probeEveryMs)
    const reach = states[first]!
    expect(reach.reason).toBe('reaching')
    expect(reach.rate).toBeCloseTo(cfg.probeGain * held.link!, 6)
    const steps = states.slice(first).findIndex((s) => s.mode !== 'probe')
    expect(steps * STEP).toBe(cfg.probeMs)
    expect(states[first + steps]!.mode).toBe('drain')
    const after = states.slice(first).find((s) => s.mode === 'cruise')!
    expect(after.link).toBeCloseTo(reach.rate, 6)
    // The drain lasts its while, and with room found, the next step comes soon.
    const drained = states.slice(first + steps).findIndex((s) => s.mode !== 'drain')
    expect(drained).toBeGreaterThan(1)
    expect(drained * STEP).toBeGreaterThanOrEqual(cfg.drainMs)
    expect(after.nextProbeAt! - after.at).toBeLessThan(cfg.probeEveryMs)
  })

  it('keeps the measure when a step queues, and reaches by finer steps from then on', () => {
    const held = measured()
    const rtt = (t: number) => {
      const s = states.at(-1)
      return s?.mode === 'probe' || (s?.mode === 'drain' && t - s.modeAt < 200) ? 40 : 20
    }
    const states: RateState[] = []
    let s = held
    for (let t = held.at + STEP; t <= held.at + 2 * cfg.probeEveryMs + 1_000; t += STEP) {
      const v = rtt(t)
      s = stepRate(s, { now: t, samples: [{ host: 'a.test', at: t, rttMs: v }], limiting: true })
      states.push(s)
    }
    const reaches = states.filter((x, i) => x.mode === 'probe' && states[i - 1]?.mode !== 'probe')
    expect(reaches.length).toBe(2)
    expect(reaches[0]!.rate).toBeCloseTo(cfg.probeGain * held.link!, 6)
    expect(reaches[1]!.rate).toBeCloseTo(cfg.fineGain * held.link!, 6)
    expect(last(states).link).toBe(held.link)
  })

  it('does not take a step the transfers left unused as room on the link', () => {
    const held = measured()
    const states = drive(held, cfg.probeEveryMs + 2_000, {
      limiting: (s) => s.mode !== 'probe',
      used: (s) => (s.mode === 'probe' ? 0.5 * s.rate : s.rate),
    })
    expect(states.some((s) => s.mode === 'probe')).toBe(true)
    expect(last(states).link).toBe(held.link)
    expect(last(states).gain).toBe(cfg.fineGain)
  })

  it('does not take a step as room when the transfers took well under it, even with a reader held back at times', () => {
    const held = measured()
    const states = drive(held, cfg.probeEveryMs + 2_000, {
      used: (s) => (s.mode === 'probe' ? 0.8 * s.rate : s.rate),
    })
    expect(states.some((s) => s.mode === 'probe')).toBe(true)
    expect(last(states).link).toBe(held.link)
    expect(last(states).gain).toBe(cfg.fineGain)
  })

  it('lowers the measure when the rate held under it goes unused for a few steps (the link slowed down)', () => {
    const held = measured()
    const states = drive(held, 1_000, { limiting: () => false, used: () => 0.5 * held.link! })
    expect(last(states).link).toBe(0.5 * held.link!)
    expect(last(states).rate).toBeCloseTo(cfg.cruiseGain * 0.5 * held.link!, 6)
  })

  it('never reaches past the ceiling', () => {
    const held = measured()
    const ceiling = held.rate * 1.05
    const states = drive(held, 3 * cfg.probeEveryMs, { ceiling })
    expect(states.some((s) => s.mode === 'probe')).toBe(false)
    expect(Math.max(...states.map((s) => s.rate))).toBeLessThanOrEqual(ceiling)
  })
})

describe('stepRate: backing off', () => {
  it('cuts at once when a queue shows while holding, deeper the further over, and lowers the measure once', () => {
    const held = measured()
    const slight = drive(held, 300, { rtt: () => 20 + 2 * cfg.thresholdMs })
    const far = drive(held, 300, { rtt: () => 200 })
    const i = cfg.filter - 1
    for (const states of [slight, far]) {
      expect(states[i]!.mode).toBe('backoff')
      expect(states[i]!.link).toBeLessThan(held.link!)
      expect(states[i]!.link).toBeCloseTo(held.link! * cfg.measureDecay, 6)
    }
    const cut = (states: RateState[]) => states[i]!.rate / states[i - 1]!.rate
    expect(cut(slight)).toBeCloseTo(1 - cfg.maxCut * ((2 * cfg.thresholdMs) / cfg.fullCutMs), 6)
    expect(cut(far)).toBeCloseTo(1 - cfg.maxCut, 6)
    expect(far[i]!.reason).toBe('backing-off')
  })

  it('cuts once per round trip and only on new samples, down to the floor and never below', () => {
    const held = measured()
    // A sample every other step: the steps between have nothing new to cut on.
    const states = drive(held, 5_000, { rtt: (t) => (t % 200 === 0 ? 200 : undefined) })
    const cuts = states.filter((s, i) => i > 0 && s.rate < states[i - 1]!.rate)
    for (let i = 1; i < cuts.length; i++) expect(cuts[i]!.at - cuts[i - 1]!.at).toBeGreaterThanOrEqual(200)
    expect(Math.min(...states.map((s) => s.rate))).toBe(cfg.floor)
    expect(last(states).reason).toBe('at-floor')
    // The measure was lowered once for the whole spell.
    expect(last(states).link).toBeCloseTo(held.link! * cfg.measureDecay, 6)
  })

  it('climbs back quickly to where it held once the queue is gone, and no further', () => {
    const held = measured()
    const floor = last(drive(held, 3_000, { rtt: () => 200 }))
    expect(floor.rate).toBe(cfg.floor)
    const back = drive(floor, 3_000)
    const hold = cfg.cruiseGain * floor.link!
    const reached = back.findIndex((s) => s.rate >= hold - 1e-6)
    expect(reached).toBeGreaterThan(0)
    expect(reached * STEP).toBeLessThanOrEqual(1_500)
    expect(back[1]!.reason).toBe('growing')
    const reach = back.findIndex((s) => s.mode === 'probe')
    expect(Math.max(...back.slice(0, reach).map((s) => s.rate))).toBeCloseTo(hold, 6)
  })

  it('cuts at most once per 100 ms however often the samples come and however short the round trip', () => {
    const held = measured()
    let s = held
    const cuts: number[] = []
    for (let t = held.at + 20; t <= held.at + 1_000; t += 20) {
      const before = s.rate
      s = stepRate(s, { now: t, samples: [{ host: 'a.test', at: t, rttMs: 60 }], limiting: true })
      if (s.rate < before) cuts.push(t)
    }
    expect(cuts.length).toBeGreaterThan(2)
    for (let i = 1; i < cuts.length; i++) expect(cuts[i]! - cuts[i - 1]!).toBeGreaterThanOrEqual(cfg.minHoldMs)
    expect(cfg.minHoldMs).toBeGreaterThanOrEqual(100)
  })

  it('never exceeds a limit lower than the floor', () => {
    const states = drive(start(), 3_000, { ceiling: 10_000 })
    expect(states.every((s) => s.rate === 10_000 && s.reason === 'limited')).toBe(true)
  })
})

describe('stepRate: delays', () => {
  it('is not moved by single noisy samples: the filter takes the lowest of the latest three', () => {
    // A 150 ms spike on every fourth sample.
    const states = drive(start(), 3_000, { rtt: (t) => (t % 400 === 0 ? 170 : 20) })
    expect(states.every((s) => s.mode === 'startup' && s.reason === 'growing')).toBe(true)
  })

  it('learns a longer route once the old minimum ages out of its window; takes a shorter one at once', () => {
    const window = cfg.baseBucketMs * cfg.baseBuckets
    const before = last(drive(start(), 3_000, { ceiling: 200_000 }))
    const after = drive(before, window + 2 * cfg.baseBucketMs, { rtt: () => 60, ceiling: 200_000 })
    expect(after[50]!.baseMs).toBe(20)
    expect(after.find((s) => s.baseMs === 60)!.at - before.at).toBeGreaterThan(window - cfg.baseBucketMs)
    const shorter = drive(last(after), 300, { rtt: () => 10, ceiling: 200_000 })
    expect(shorter[0]!.baseMs).toBe(10)
  })

  it('lets the most congested host speak for the link, and forgets a host gone quiet', () => {
    let s = last(drive(start(), 1_000))
    const t0 = s.at
    for (let t = t0 + STEP; t <= t0 + 500; t += STEP) {
      s = stepRate(s, {
        now: t,
        samples: [
          { host: 'a.test', at: t, rttMs: 20 },
          { host: 'b.test', at: t, rttMs: t <= 1_100 ? 10 : 70 },
        ],
      })
    }
    expect(s.queuingMs).toBe(60)
    expect(s.baseMs).toBe(10)
    // b.test goes quiet: past the stale time only a.test speaks.
    const quiet = drive(s, cfg.staleMs + 500)
    expect(last(quiet).queuingMs).toBe(0)
    expect(last(quiet).baseMs).toBe(20)
  })

  it('gives the same rates for the same samples and times', () => {
    const rtt = (t: number) => 20 + (((t / STEP) * 13) % 40)
    expect(drive(start(), 8_000, { rtt })).toEqual(drive(start(), 8_000, { rtt }))
  })

  it('on a recorded sequence (a 4 Mbit/s tbf link, quiet, then curl starts at 3 s): grows, then backs off to the floor', () => {
    // TCP connect times of the benchmark's probe (bench/background.sh with RECORD), in ms from its start.
    const recorded = JSON.parse(
      readFileSync(new URL('../../fixtures/recorded/tbf-4mbit-curl-onset.json', import.meta.url), 'utf8'),
    ) as Array<{ at: number; rttMs: number }>
    let s = initialRate(0)
    const at = (t: number) => {
      const samples = recorded.filter((r) => r.at > t - STEP && r.at <= t).map((r) => ({ host: 'srv', ...r }))
      s = stepRate(s, { now: t, samples, limiting: true })
      return s
    }
    const quiet: RateState[] = []
    for (let t = STEP; t <= 2_500; t += STEP) quiet.push(at(t))
    expect(last(quiet).rate).toBeGreaterThan(2 * cfg.start)
    expect(quiet.some((q) => q.reason === 'backing-off' || q.mode !== 'startup')).toBe(false)
    const busy: RateState[] = []
    for (let t = 2_600; t <= 7_500; t += STEP) busy.push(at(t))
    expect(busy.findIndex((b) => b.reason === 'at-floor')).toBeLessThan(25)
    expect(Math.min(...busy.map((b) => b.rate))).toBe(cfg.floor)
  })
})

describe('stepRate on a modelled link (test/fixtures/paced-link.ts)', () => {
  // The benchmark's link: 4 Mbit/s, a receive buffer of 400 kB, a sender that keeps 25 kB queued (50 ms), a
  // sample every 100 ms of which every fifth is 40 ms late (the probing process's own event loop).
  const link = {
    linkRate: 500_000,
    receiveBuffer: 400_000,
    senderQueue: 25_000,
    baseMs: 1,
    probeEveryMs: 100,
    probeNoise: (n: number) => (n % 5 === 2 ? 40 : 0),
    stepMs: STEP,
  }
  const requests = { piece: (rate: number) => Math.max(4096, rate * 0.01) }
  const share = (perSecond: number[], from: number) =>
    perSecond.slice(from).reduce((a, b) => a + b, 0) / ((perSecond.length - from) * link.linkRate)
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

  for (const [name, extra] of [
    ['paced reads', {}],
    ['paced range requests', { requests }],
  ] as const) {
    it(`${name}: a download alone takes 80 % of the link or more after 10 s, with the link's queue empty most of the time`, () => {
      const run = runPacedLink(60, { ...link, ...extra })
      expect(share(run.perSecond, 10)).toBeGreaterThanOrEqual(0.8)
      expect(share(run.perSecond, 10)).toBeLessThan(0.95)
      expect(median(run.queueMs.slice(100))).toBeLessThan(cfg.thresholdMs)
    })

    it(`${name}: leaves another download that queues 40 ms at least 80 % of the link, whether it comes early or late`, () => {
      for (const fromS of [2, 20]) {
        const run = runPacedLink(fromS + 15, { ...link, ...extra, competing: { fromS, queue: 20_000 } })
        expect(share(run.otherPerSecond, fromS + 2), `from ${fromS} s`).toBeGreaterThanOrEqual(0.8)
      }
    })
  }
})
