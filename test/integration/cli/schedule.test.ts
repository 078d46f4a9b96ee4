import { spawn } from 'node:child_process'
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startCore } from '../../../electron/app-core.ts'
import { APP_PAGE_URL } from '../../../electron/shell/app-protocol.ts'
import { openStore } from '../../../electron/store/open-store.ts'
import { Schedule } from '../../../shared/schedule.ts'
import type { FileServer } from '../../fixtures/file-server.ts'
import { startNginxFiles } from '../../fixtures/nginx.ts'
import { makePayload } from '../../fixtures/payload.ts'
import { BIN, runCli } from '../../fixtures/run-cli.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

// `pinpoint get` reads the schedule saved in its state folder (the same settings the app and `serve` keep): a
// window that pauses everything holds the download, saying until when, and --ignore-schedule runs it anyway.
const body = makePayload(300 * 1024, 11)
let server: FileServer
const dirs: string[] = []

beforeAll(async () => {
  server = await startNginxFiles({ 'weekly.bin': body })
}, 30_000)
afterAll(async () => {
  await server?.stop()
  for (const d of dirs.splice(0)) await removeTempDir(d)
})

/** HH:MM of an instant on this machine's wall clock, the one the CLI reads its windows in. */
const hhmm = (t: number) => {
  const d = new Date(t)
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}

/** A state folder whose saved schedule pauses everything (or `kind`) every day from `start` to `end`. */
async function stateWithSchedule(start: string, end: string, kind = 'pause-all'): Promise<string> {
  const state = await makeTempDir('cli-schedule-state')
  dirs.push(state)
  const store = openStore({ dir: state })
  const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
  store.settings.set('schedule', Schedule.parse([{ days, start, end, action: { kind } }]))
  store.close()
  return state
}

async function downloadDir(): Promise<string> {
  const dir = await makeTempDir('cli-schedule-dl')
  dirs.push(dir)
  return dir
}

describe('pinpoint get under a schedule', () => {
  it('waits inside a window, saying until when; a signal then stops it with nothing downloaded', async () => {
    const now = Date.now()
    const end = hhmm(now + 7_200_000)
    const state = await stateWithSchedule(hhmm(now - 3_600_000), end)
    const dir = await downloadDir()
    const child = spawn(process.execPath, [BIN, 'get', '--state-dir', state, '-d', dir, server.url('weekly.bin')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const exit = new Promise<number>((r) => child.once('exit', (code) => r(code ?? -1)))
    const deadline = Date.now() + 20_000
    while (!stderr.includes('--ignore-schedule starts it now')) {
      if (Date.now() > deadline) throw new Error(`never said it waits; stderr: ${stderr}`)
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(stderr).toContain(`weekly.bin: paused by schedule until ${end};`)
    child.kill('SIGTERM')
    const code = await exit
    expect(stderr).toContain('interrupted; progress saved')
    expect(code).toBe(8)
    expect(await readdir(dir)).toEqual([])
    expect((await server.requests()).filter((r) => r.request.includes('/weekly.bin'))).toEqual([])
  }, 30_000)

  it('refuses to wait for a window that never ends, with exit 2 and why', async () => {
    const state = await stateWithSchedule('00:00', '00:00')
    const dir = await downloadDir()
    const r = await runCli(['get', '--state-dir', state, '-d', dir, server.url('weekly.bin')])
    expect(r.stderr).toContain('weekly.bin: the schedule pauses it at all times; --ignore-schedule starts it now')
    expect(r.code).toBe(2)
    expect(await readdir(dir)).toEqual([])
  }, 30_000)

  it('beside a running app that holds the folder, --ignore-schedule has the app start it anyway', async () => {
    const state = await stateWithSchedule('00:00', '00:00')
    const dir = await downloadDir()
    const core = await startCore({
      stateDir: state,
      defaultDownloadDir: dir,
      appUrl: APP_PAGE_URL,
      desktop: { chooseFolder: async () => undefined, reveal: () => {}, open: async () => '' },
      emit: () => {},
    })
    try {
      const r = await runCli(['get', '--ignore-schedule', '--state-dir', state, '-d', dir, server.url('weekly.bin')])
      expect(r.code).toBe(0)
      expect(await readFile(join(dir, 'weekly.bin'))).toEqual(body)
      const id = core.store.transfers.list()[0]?.id ?? -1
      expect(core.store.events.list(id).map((e) => e.message)).toContain('started now, outside the schedule')
    } finally {
      await core.shutdown()
    }
  }, 30_000)

  it('beside a running app, a window that never ends makes get exit 2 with why, as it does alone', async () => {
    const state = await stateWithSchedule('00:00', '00:00')
    const dir = await downloadDir()
    const core = await startCore({
      stateDir: state,
      defaultDownloadDir: dir,
      appUrl: APP_PAGE_URL,
      desktop: { chooseFolder: async () => undefined, reveal: () => {}, open: async () => '' },
      emit: () => {},
    })
    try {
      const r = await runCli(['get', '--state-dir', state, '-d', dir, server.url('weekly.bin')])
      expect(r.stderr).toContain('weekly.bin: the schedule pauses it at all times; --ignore-schedule starts it now')
      expect(r.code).toBe(2)
      // Handed to the app, it stays there, queued and held, with nothing downloaded.
      const row = core.store.transfers.list()[0]
      expect(row?.state).toBe('queued')
      expect(row && core.queue.view(row).schedule).toEqual({ until: null })
      expect(await readdir(dir)).toEqual([])
    } finally {
      await core.shutdown()
    }
  }, 30_000)

  it('--ignore-schedule downloads at once', async () => {
    const state = await stateWithSchedule('00:00', '00:00')
    const dir = await downloadDir()
    const r = await runCli(['get', '--ignore-schedule', '--state-dir', state, '-d', dir, server.url('weekly.bin')])
    expect(r.stderr).not.toContain('paused by schedule')
    expect(r.code).toBe(0)
    expect(await readFile(join(dir, 'weekly.bin'))).toEqual(body)
  }, 30_000)
})

describe('pinpoint ls under a schedule', () => {
  it("shows each download's priority and, for a held one, the schedule's reason, in text and JSON", async () => {
    const now = Date.now()
    const end = hhmm(now + 7_200_000)
    const state = await stateWithSchedule(hhmm(now - 3_600_000), end, 'pause-background')
    const dir = await downloadDir()
    const store = openStore({ dir: state })
    const add = (name: string, priority: 'normal' | 'background') =>
      store.transfers.insert({ url: server.url(name), dir, name, priority }).id
    const normal = add('normal.bin', 'normal')
    const held = add('held.bin', 'background')
    const anyway = add('anyway.bin', 'background')
    store.transfers.update(anyway, { startedAnyway: true })
    store.close()

    const text = await runCli(['ls', '--state-dir', state])
    expect(text.code).toBe(0)
    const line = (id: number) => text.stdout.split('\n').find((l) => l.trimStart().startsWith(`${id} `)) ?? ''
    expect(line(normal)).toMatch(/^\s+\d+ {2}queued +normal /)
    expect(line(normal)).not.toContain('paused by schedule')
    expect(line(held)).toMatch(/^\s+\d+ {2}queued +background /)
    expect(line(held)).toMatch(new RegExp(`paused by schedule until ${end}$`))
    expect(line(anyway)).toMatch(/^\s+\d+ {2}queued +background /)
    expect(line(anyway)).not.toContain('paused by schedule')

    const json = await runCli(['ls', '--json', '--state-dir', state])
    expect(json.code).toBe(0)
    const rows = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number; priority: string; schedule: { until: number; reason: string } | null })
    const byId = new Map(rows.map((r) => [r.id, r]))
    expect(byId.get(normal)).toMatchObject({ priority: 'normal', schedule: null })
    expect(byId.get(anyway)).toMatchObject({ priority: 'background', schedule: null })
    const hold = byId.get(held)
    expect(hold?.priority).toBe('background')
    expect(hold?.schedule?.reason).toBe(`paused by schedule until ${end}`)
    expect(hhmm(hold?.schedule?.until ?? 0)).toBe(end)
    expect(hold?.schedule?.until).toBeGreaterThan(now)
  }, 30_000)
})

describe('pinpoint schedule ls|add|rm', () => {
  it('adds, lists and removes windows in the state folder, refusing bad input with exit 2', async () => {
    const state = await makeTempDir('cli-schedule-state')
    dirs.push(state)
    const at = ['--state-dir', state]
    expect((await runCli(['schedule', 'ls', ...at])).stdout).toBe('no schedule windows: downloads run at any time\n')
    const add = await runCli([
      'schedule',
      'add',
      ...at,
      '--days',
      'mon-fri',
      '--from',
      '22:00',
      '--to',
      '06:00',
      '--limit',
      '500K',
    ])
    expect(add.code).toBe(0)
    expect(add.stdout).toBe('  1  mon,tue,wed,thu,fri  22:00-06:00  limit 500K\n')
    expect(
      (await runCli(['schedule', 'add', ...at, '--days', 'sat,sun', '--from', '00:00', '--to', '00:00', '--pause-all']))
        .code,
    ).toBe(0)
    const listed = await runCli(['schedule', 'ls', '--json', ...at])
    expect(JSON.parse(listed.stdout)).toEqual([
      {
        days: ['mon', 'tue', 'wed', 'thu', 'fri'],
        start: '22:00',
        end: '06:00',
        action: { kind: 'limit', rate: 512_000 },
      },
      { days: ['sat', 'sun'], start: '00:00', end: '00:00', action: { kind: 'pause-all' } },
    ])

    const badTime = await runCli([
      'schedule',
      'add',
      ...at,
      '--days',
      'mon',
      '--from',
      '25:00',
      '--to',
      '06:00',
      '--pause-all',
    ])
    expect(badTime.code).toBe(2)
    expect(badTime.stderr).toContain('start: expected a time of day as HH:MM')
    const badDays = await runCli([
      'schedule',
      'add',
      ...at,
      '--days',
      'fri-mon',
      '--from',
      '01:00',
      '--to',
      '06:00',
      '--pause-all',
    ])
    expect(badDays.code).toBe(2)
    expect(badDays.stderr).toContain('--days "fri-mon"')

    expect((await runCli(['schedule', 'rm', '1', ...at])).code).toBe(0)
    expect((await runCli(['schedule', 'ls', ...at])).stdout).toBe('  1  sat,sun  00:00-00:00  pause all\n')
  }, 120_000)

  it('beside a running app, adds through it, so the app applies the window at once', async () => {
    const state = await makeTempDir('cli-schedule-state')
    dirs.push(state)
    const core = await startCore({
      stateDir: state,
      defaultDownloadDir: await downloadDir(),
      appUrl: APP_PAGE_URL,
      desktop: { chooseFolder: async () => undefined, reveal: () => {}, open: async () => '' },
      emit: () => {},
    })
    try {
      const r = await runCli([
        'schedule',
        'add',
        '--state-dir',
        state,
        '--days',
        'all',
        '--from',
        '00:00',
        '--to',
        '00:00',
        '--pause-all',
      ])
      expect(r.code).toBe(0)
      expect(core.ipc.settings.get().schedule).toEqual([
        {
          days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
          start: '00:00',
          end: '00:00',
          action: { kind: 'pause-all' },
        },
      ])
      // The app's queue now holds a new download.
      await core.add([server.url('weekly.bin')])
      const row = core.store.transfers.list()[0]
      expect(row && core.queue.view(row).schedule).toEqual({ until: null })
    } finally {
      await core.shutdown()
    }
  }, 30_000)
})
