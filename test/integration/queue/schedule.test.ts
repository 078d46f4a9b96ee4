import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { openCore, type OpenedCore } from '../../../electron/core/open-core.ts'
import type { ScheduleClock } from '../../../electron/queue/schedule-gate.ts'
import { scheduleReason } from '../../../shared/schedule-reason.ts'
import { Schedule } from '../../../shared/schedule.ts'
import { startNginx, type NginxServer } from '../../fixtures/nginx.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

// A real queue over a real store (SQLite in a temp folder) downloading from a real nginx, with the schedule read in
// Europe/Berlin by a clock the test sets: the wall clock is the real one shifted to a chosen instant, so the
// schedule's own timer and its clock-jump check run for real.
const BERLIN = 'Europe/Berlin'
const small = makePayload(200 * 1024, 1)
const slow = makePayload(1024 * 1024, 2)

let nginx: NginxServer
const dirs: string[] = []
let core: OpenedCore | undefined

beforeAll(async () => {
  // 127.0.0.2 is the same server at 64 KiB/s, so a download there is still running when a window opens.
  nginx = await startNginx({
    files: { 'small.bin': small, 'slow.bin': slow },
    nodes: [{ address: '127.0.0.2', limitRate: '64k' }],
  })
}, 30_000)
afterAll(async () => {
  await nginx?.stop()
})
afterEach(async () => {
  await core?.shutdown()
  core = undefined
  for (const d of dirs.splice(0)) await removeTempDir(d)
})

/** A wall clock at `iso` now and moving on in real time; `set` moves it, as a user setting the clock would. */
function shiftedClock(iso: string): ScheduleClock & { set(iso: string): void } {
  let offset = Date.parse(iso) - Date.now()
  return {
    now: () => Date.now() + offset,
    monotonic: () => performance.now(),
    set(to) {
      offset = Date.parse(to) - Date.now()
    },
  }
}

async function tempDir(kind: string): Promise<string> {
  const d = await makeTempDir(kind)
  dirs.push(d)
  return d
}

async function open(stateDir: string, clock: ScheduleClock): Promise<OpenedCore> {
  core = await openCore({ stateDir, connectTimeoutMs: 3000, schedule: { clock, timeZone: BERLIN, jumpCheckMs: 50 } })
  return core
}

function saveSchedule(c: OpenedCore, raw: unknown): void {
  c.store.settings.set('schedule', Schedule.parse(raw))
  c.schedule?.refresh()
}

/** The logged requests for slow.bin once there are `n`; nginx logs each when its connection ends. */
async function waitForSlowRequests(n: number) {
  const slowOnes = () => nginx.accessLog().filter((e) => e.request.includes('/slow.bin'))
  try {
    await waitFor(() => slowOnes().length >= n)
  } catch {
    throw new Error(`expected ${n} requests for slow.bin, nginx logged: ${JSON.stringify(nginx.accessLog())}`)
  }
  return slowOnes()
}

const stateOf = (c: OpenedCore, id: number) => c.store.transfers.get(id)?.state
const viewOf = (c: OpenedCore, id: number) => {
  const row = c.store.transfers.get(id)
  if (!row) throw new Error(`no transfer ${id}`)
  return c.queue.view(row)
}

// Monday 7 December 2026; Berlin is UTC+1, so 06:00 there is 05:00Z.
const pauseMorning = [{ days: ['mon'], start: '06:30', end: '07:00', action: { kind: 'pause-all' } }]

describe('the queue under a schedule', () => {
  it('a pause-everything window pauses what runs and holds what is new, "start now anyway" runs one, the end resumes', async () => {
    const clock = shiftedClock('2026-12-07T05:00:00Z')
    const c = await open(await tempDir('schedule-state'), clock)
    const dir = await tempDir('schedule-dl')
    saveSchedule(c, pauseMorning)

    const running = c.queue.add({ url: `http://127.0.0.2:${nginx.port}/slow.bin`, dir, split: 1 }).id
    c.queue.start('all')
    await waitFor(() => stateOf(c, running) === 'downloading' && c.store.segments.durableBytes(running) > 0)

    // The clock is set into the window: the coarse check sees the jump, and the running download stops, kept.
    clock.set('2026-12-07T05:45:00Z')
    await waitFor(() => viewOf(c, running).schedule !== undefined)
    expect(stateOf(c, running)).toBe('queued')
    const kept = c.store.segments.durableBytes(running)
    expect(kept).toBeGreaterThan(0)
    const held = viewOf(c, running)
    expect(held.schedule).toEqual({ until: Date.parse('2026-12-07T06:00:00Z') })
    expect(scheduleReason(held.schedule?.until ?? null, clock.now(), BERLIN)).toBe('paused by schedule until 07:00')
    expect(c.store.events.list(running).map((e) => e.message)).toContain('paused by the schedule')

    // A new download waits too: the queue did not start it.
    const fresh = c.queue.add({ url: `http://127.0.0.1:${nginx.port}/small.bin`, dir, split: 2 }).id
    expect(viewOf(c, fresh).schedule).toEqual({ until: Date.parse('2026-12-07T06:00:00Z') })
    expect(stateOf(c, fresh)).toBe('queued')

    // "Start now anyway" runs that one inside the window; the other stays held.
    c.queue.startAnyway([fresh])
    await waitFor(() => stateOf(c, fresh) === 'completed')
    expect(await readFile(join(dir, 'small.bin'))).toEqual(small)
    expect(viewOf(c, running).schedule).toBeDefined()

    // Two seconds before the window ends: the schedule's timer (not a poll) lets the held download go on.
    clock.set('2026-12-07T05:59:58Z')
    await waitFor(() => stateOf(c, running) === 'downloading')
    expect(viewOf(c, running).schedule).toBeUndefined()
    // It went on from its durable bytes (a range request past 0), not from the start; nginx logs a request once
    // its connection ends, so the user's pause closes it once new bytes have come.
    await waitFor(() => c.store.segments.durableBytes(running) > kept)
    c.queue.pause([running])
    await c.queue.settled([running])
    // nginx logs a request when it ends, and notices a client that went away only at its next write, so the
    // held request's line may come after the resumed one's: look for the resume's range, not at the last line.
    const ranges = (await waitForSlowRequests(2)).map((e) => e.http_range)
    expect(ranges).toContain('bytes=0-')
    expect(ranges.some((r) => /^bytes=[1-9]\d*-/.test(r))).toBe(true)
  }, 30_000)

  it('a rate-limit window sets the shared bucket to the lower of its rate and the global limit, and lifts it after', async () => {
    const clock = shiftedClock('2026-12-07T05:00:00Z') // 06:00 in Berlin
    const c = await open(await tempDir('schedule-state'), clock)
    saveSchedule(c, [{ days: ['mon'], start: '05:30', end: '06:30', action: { kind: 'limit', rate: 300_000 } }])
    expect(c.limiter.rate).toBe(300_000)
    c.setLimitRate(100_000)
    expect(c.limiter.rate).toBe(100_000)
    c.setLimitRate(0)
    expect(c.limiter.rate).toBe(300_000)
    clock.set('2026-12-07T05:31:00Z')
    await waitFor(() => c.limiter.rate === 0)
  })

  it('holds across a restart inside the window, and runs after a restart past its end', async () => {
    const stateDir = await tempDir('schedule-state')
    const dir = await tempDir('schedule-dl')
    let c = await open(stateDir, shiftedClock('2026-12-07T05:40:00Z'))
    saveSchedule(c, pauseMorning)
    const id = c.queue.add({ url: `http://127.0.0.1:${nginx.port}/small.bin`, dir, split: 1 }).id
    expect(viewOf(c, id).schedule).toBeDefined()
    await c.shutdown()

    c = await open(stateDir, shiftedClock('2026-12-07T05:50:00Z'))
    c.queue.start('all')
    expect(viewOf(c, id).schedule).toEqual({ until: Date.parse('2026-12-07T06:00:00Z') })
    expect(stateOf(c, id)).toBe('queued')
    await c.shutdown()

    c = await open(stateDir, shiftedClock('2026-12-07T06:10:00Z'))
    c.queue.start('all')
    await waitFor(() => stateOf(c, id) === 'completed')
  }, 30_000)

  it('a pause-background window holds background downloads, saying until when, while normal ones run; its end resumes them', async () => {
    const clock = shiftedClock('2026-12-07T05:00:00Z')
    const c = await open(await tempDir('schedule-state'), clock)
    const dir = await tempDir('schedule-dl')
    saveSchedule(c, [{ days: ['mon'], start: '06:30', end: '07:00', action: { kind: 'pause-background' } }])

    const bg = c.queue.add({ url: `http://127.0.0.2:${nginx.port}/slow.bin`, dir, split: 1, priority: 'background' }).id
    c.queue.start('all')
    await waitFor(() => stateOf(c, bg) === 'downloading' && c.store.segments.durableBytes(bg) > 0)

    // Into the window: the background download stops, its bytes kept, and says why and until when.
    clock.set('2026-12-07T05:45:00Z')
    await waitFor(() => viewOf(c, bg).schedule !== undefined)
    expect(stateOf(c, bg)).toBe('queued')
    const kept = c.store.segments.durableBytes(bg)
    expect(kept).toBeGreaterThan(0)
    const held = viewOf(c, bg)
    expect(held.schedule).toEqual({ until: Date.parse('2026-12-07T06:00:00Z') })
    expect(scheduleReason(held.schedule?.until ?? null, clock.now(), BERLIN)).toBe('paused by schedule until 07:00')
    expect(c.store.events.list(bg).map((e) => e.message)).toContain('paused by the schedule')

    // A normal download runs inside the window.
    const normal = c.queue.add({ url: `http://127.0.0.1:${nginx.port}/small.bin`, dir, split: 2 }).id
    expect(viewOf(c, normal).schedule).toBeUndefined()
    await waitFor(() => stateOf(c, normal) === 'completed')
    expect(await readFile(join(dir, 'small.bin'))).toEqual(small)

    // A new background one waits; made normal, it runs at once, with nothing else to wake the queue.
    const later = c.queue.add({
      url: `http://127.0.0.1:${nginx.port}/small.bin`,
      dir,
      name: 'later.bin',
      split: 1,
      priority: 'background',
    }).id
    expect(viewOf(c, later).schedule).toEqual({ until: Date.parse('2026-12-07T06:00:00Z') })
    expect(stateOf(c, later)).toBe('queued')
    c.queue.setPriority([later], 'normal')
    await waitFor(() => stateOf(c, later) === 'completed')
    expect(await readFile(join(dir, 'later.bin'))).toEqual(small)
    expect(viewOf(c, bg).schedule).toBeDefined()
    expect(stateOf(c, bg)).toBe('queued')

    // The window ends: the held background download goes on from its kept bytes.
    clock.set('2026-12-07T05:59:58Z')
    await waitFor(() => stateOf(c, bg) === 'downloading')
    expect(viewOf(c, bg).schedule).toBeUndefined()
    await waitFor(() => c.store.segments.durableBytes(bg) > kept)
    c.queue.pause([bg])
    await c.queue.settled([bg])
    // nginx logs a request when it ends, and notices a client that went away only at its next write, so the
    // held request's line may come after the resumed one's: look for the resume's range, not at the last line.
    const ranges = (await waitForSlowRequests(2)).map((e) => e.http_range)
    expect(ranges).toContain('bytes=0-')
    expect(ranges.some((r) => /^bytes=[1-9]\d*-/.test(r))).toBe(true)
  }, 30_000)

  it('"start now anyway" is kept across a restart inside the window, and the user\'s pause ends it', async () => {
    const stateDir = await tempDir('schedule-state')
    const dir = await tempDir('schedule-dl')
    let c = await open(stateDir, shiftedClock('2026-12-07T05:40:00Z'))
    saveSchedule(c, pauseMorning)
    const anyway = c.queue.add({ url: `http://127.0.0.2:${nginx.port}/slow.bin`, dir, split: 1 }).id
    const other = c.queue.add({ url: `http://127.0.0.1:${nginx.port}/small.bin`, dir, split: 1 }).id
    c.queue.start('all')
    c.queue.startAnyway([anyway])
    await waitFor(() => stateOf(c, anyway) === 'downloading' && c.store.segments.durableBytes(anyway) > 0)
    expect(viewOf(c, other).schedule).toBeDefined()
    await c.shutdown()

    // Restarted inside the same window: the one started anyway runs again, the other is still held.
    c = await open(stateDir, shiftedClock('2026-12-07T05:50:00Z'))
    expect(stateOf(c, anyway)).toBe('queued')
    expect(viewOf(c, anyway).schedule).toBeUndefined()
    expect(viewOf(c, other).schedule).toEqual({ until: Date.parse('2026-12-07T06:00:00Z') })
    c.queue.start('all')
    await waitFor(() => stateOf(c, anyway) === 'downloading')
    expect(stateOf(c, other)).toBe('queued')

    // The user pauses it: resumed inside the window, it is held like the rest, and stays so after a restart.
    c.queue.pause([anyway])
    await c.queue.settled([anyway])
    c.queue.resume([anyway])
    expect(viewOf(c, anyway).schedule).toEqual({ until: Date.parse('2026-12-07T06:00:00Z') })
    await c.shutdown()
    c = await open(stateDir, shiftedClock('2026-12-07T05:51:00Z'))
    c.queue.start('all')
    expect(viewOf(c, anyway).schedule).toBeDefined()
    expect(stateOf(c, anyway)).toBe('queued')
  }, 30_000)
})
