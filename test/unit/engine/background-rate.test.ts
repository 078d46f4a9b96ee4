import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import {
  BACKGROUND_READ_BYTES,
  BackgroundRate,
  backgroundTraceFromEnv,
  type BackgroundTraceStep,
} from '../../../electron/engine/background-rate.ts'
import { makeTempDir } from '../../fixtures/temp-dir.ts'

/** A controller on a hand-moved clock whose own timer never fires during the test; steps run by `tick()`. */
function manual() {
  const clock = { t: 0 }
  const steps: BackgroundTraceStep[] = []
  const rate = new BackgroundRate({
    now: () => clock.t,
    tickMs: 1_000_000,
    probe: () => Promise.resolve(1),
    trace: (s) => steps.push(s),
  })
  return { clock, steps, rate }
}

describe('BackgroundRate', () => {
  it('tells the controller whether its bucket held a reader back during the step, even one still waiting', () => {
    const { clock, steps, rate } = manual()
    const leave = rate.join(1, null)
    try {
      rate.sample('a.test', '127.0.0.1', 80, 5)
      // Within the bucket's burst: read at once, nobody waits.
      clock.t = 100
      expect(rate.bucket.take(1_000)).toBe(0)
      rate.tick()
      expect(steps[0]).toMatchObject({ at: 100, used: 10_000, limiting: false, samples: [{ at: 0, rttMs: 5 }] })
      // A piece as large as a socket read: the reader waits well past the next step.
      clock.t = 200
      const wait = rate.bucket.take(64 * 1024)
      expect(wait).toBeGreaterThan(200)
      rate.tick()
      expect(steps[1]).toMatchObject({ at: 200, used: 64 * 1024 * 10, limiting: true })
      clock.t = 300
      rate.tick()
      expect(steps[2]).toMatchObject({ at: 300, used: 0, limiting: true })
      // The step in which the wait ends still had a reader held; the one after it did not.
      clock.t = 200 + wait + 50
      rate.tick()
      expect(steps[3]).toMatchObject({ used: 0, limiting: true })
      clock.t += 100
      rate.tick()
      expect(steps[4]).toMatchObject({ used: 0, limiting: false })
      expect(steps.at(-1)!.rate).toBe(rate.status().rate)
    } finally {
      leave()
    }
  })
})

describe('BackgroundRate probes', () => {
  it('sends a host gone quiet a probe at a random point of the interval, not on the step, and takes its sample', async () => {
    const clock = { t: 0 }
    const steps: BackgroundTraceStep[] = []
    const put: Array<{ run: () => void; ms: number }> = []
    const probed: string[] = []
    const rate = new BackgroundRate({
      now: () => clock.t,
      tickMs: 1_000_000,
      probeMs: 200,
      probe: (address, port) => {
        probed.push(`${address}:${port}`)
        return Promise.resolve(3)
      },
      random: () => 0.75,
      later: (run, ms) => put.push({ run, ms }),
      trace: (s) => steps.push(s),
    })
    const leave = rate.join(1, null)
    try {
      rate.sample('a.test', '127.0.0.1', 8080, 5)
      clock.t = 100
      rate.tick()
      expect(put).toEqual([])
      clock.t = 200
      rate.tick()
      expect(put.map((p) => p.ms)).toEqual([150])
      expect(probed).toEqual([])
      // Still waiting to be sent: the next step sends no second probe.
      clock.t = 300
      rate.tick()
      expect(put).toHaveLength(1)
      clock.t = 350
      put[0]!.run()
      expect(probed).toEqual(['127.0.0.1:8080'])
      await new Promise((r) => setImmediate(r))
      clock.t = 400
      rate.tick()
      expect(steps.at(-1)!.samples).toEqual([{ at: 350, rttMs: 3 }])
    } finally {
      leave()
    }
  })

  it('sends no probe put off past the last background transfer', () => {
    const put: Array<() => void> = []
    let probes = 0
    const clock = { t: 0 }
    const rate = new BackgroundRate({
      now: () => clock.t,
      tickMs: 1_000_000,
      probe: () => {
        probes++
        return Promise.resolve(1)
      },
      later: (run) => put.push(run),
    })
    const leave = rate.join(1, null)
    rate.sample('a.test', '127.0.0.1', 8080, 5)
    clock.t = 500
    rate.tick()
    leave()
    for (const run of put) run()
    expect(put).toHaveLength(1)
    expect(probes).toBe(0)
  })
})

describe('backgroundTraceFromEnv', () => {
  it('appends one JSON line per step to the file PINPOINT_BACKGROUND_TRACE names', async () => {
    const file = join(await makeTempDir('bg-trace'), 'trace.jsonl')
    const { trace } = backgroundTraceFromEnv({ PINPOINT_BACKGROUND_TRACE: file })
    const step: BackgroundTraceStep = {
      at: 1,
      rate: 65_536,
      used: 0,
      limiting: false,
      reason: 'probing',
      baseMs: null,
      queuingMs: null,
      samples: [],
    }
    trace!(step)
    trace!({ ...step, at: 2, reason: 'growing', samples: [{ at: 2, rttMs: 0.5 }] })
    const lines = (await readFile(file, 'utf8')).trim().split('\n')
    expect(lines.map((l) => JSON.parse(l) as BackgroundTraceStep)).toEqual([
      step,
      { ...step, at: 2, reason: 'growing', samples: [{ at: 2, rttMs: 0.5 }] },
    ])
  })

  it('traces nothing without the variable, and a file it cannot write never throws into a download', async () => {
    expect(backgroundTraceFromEnv({})).toEqual({})
    expect(backgroundTraceFromEnv({ PINPOINT_BACKGROUND_TRACE: '' })).toEqual({})
    const dir = await makeTempDir('bg-trace')
    const { trace } = backgroundTraceFromEnv({ PINPOINT_BACKGROUND_TRACE: join(dir, 'missing', 'trace.jsonl') })
    const step = { at: 1, rate: 1, used: 0, limiting: false, reason: 'probing', baseMs: null, queuingMs: null }
    expect(() => trace!({ ...step, reason: 'probing', samples: [] })).not.toThrow()
  })
})

describe('BackgroundRate pieces', () => {
  it('asks for pieces of about 10 ms at the rate plus two round trips, never under 4 KiB, and bursts one piece', () => {
    const { clock, rate } = manual()
    const leave = rate.join(1, null)
    try {
      // At the start rate (64 KiB/s) 10 ms is 655 bytes: the piece is the 4 KiB minimum, and so is the burst.
      expect(rate.chunkBytes()).toBe(BACKGROUND_READ_BYTES)
      expect(rate.take(BACKGROUND_READ_BYTES)).toBe(0)
      expect(rate.take(BACKGROUND_READ_BYTES)).toBeGreaterThan(0)
      // Samples with no queue, every step, while the rate holds the reader back: startup doubles it every second.
      for (let i = 1; i <= 60; i++) {
        clock.t = i * 100
        rate.sample('a.test', '127.0.0.1', 80, 20)
        rate.take(2 * rate.chunkBytes())
        rate.tick()
      }
      const { rate: r, baseDelayMs } = rate.status()
      expect(baseDelayMs).toBe(20)
      expect(r).toBeGreaterThan(BACKGROUND_READ_BYTES / 0.05)
      // 10 ms plus two 20 ms round trips: requests go one after another, so a piece covers the round trip.
      expect(rate.chunkBytes()).toBe(Math.floor(r * 0.05))
      // The bucket holds exactly one piece: a piece the link delivered late leaves the next one free to go.
      clock.t += 10_000
      expect(rate.take(rate.chunkBytes())).toBe(0)
      expect(rate.take(1)).toBeGreaterThan(0)
    } finally {
      leave()
    }
  })
})
