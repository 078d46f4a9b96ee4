import { afterEach, describe, expect, it, vi } from 'vitest'

import { createDisplay } from '../../../electron/cli/progress-display.ts'
import type { TransferView } from '../../../shared/transfer.ts'

const view = (patch: Partial<TransferView>): TransferView => ({
  id: 1,
  url: 'https://a.test/disk.iso',
  name: 'disk.iso',
  dir: '/d',
  savedPath: null,
  state: 'downloading',
  error: null,
  total: 4 * 1024 * 1024,
  done: 1024 * 1024,
  speed: 512 * 1024,
  eta: 6,
  position: 1,
  connection: null,
  retry: null,
  createdAt: 0,
  completedAt: null,
  ...patch,
})

const NOW = Date.UTC(2030, 0, 1)
/** Waiting to connect again: attempt 2 of 6 is due in four seconds. */
const retrying = (attempt = 2, inMs = 4000): Partial<TransferView> => ({
  state: 'connecting',
  done: 0,
  speed: 0,
  eta: null,
  retry: {
    attempt,
    maxAttempts: 6,
    at: NOW + inMs,
    error: { code: 'CONNECT_REFUSED', message: 'a.test at 127.0.0.1:1: connection refused' },
  },
})

function run(mode: 'tty' | 'plain' | 'json', batches: TransferView[][]): string {
  let out = ''
  const d = createDisplay(
    mode,
    (s) => (out += s),
    [1],
    () => NOW,
  )
  batches.forEach((patches, i) => d.update({ seq: i + 1, patches, removed: [] }))
  d.close()
  return out
}

afterEach(() => {
  vi.useRealTimers()
})

describe('the progress display', () => {
  it('on a terminal, redraws one line per download plus a total, in place', () => {
    const out = run('tty', [[view({})], [view({ done: 2 * 1024 * 1024 })]])
    expect(out).toContain('disk.iso')
    expect(out).toContain('25.0%')
    expect(out).toContain('512 KiB/s')
    expect(out).toContain('0:06')
    expect(out).toContain('total 50.0%')
    // The second frame moves the cursor up over the two lines of the first.
    expect(out).toContain('\x1b[2F')
  })

  it('in a log, prints a line when a download starts, not one per progress step', () => {
    const out = run('plain', [[view({})], [view({ done: 2 })], [view({ done: 3 })], [view({ state: 'completed' })]])
    expect(out.trim().split('\n')).toEqual(['downloading disk.iso (4.00 MiB)'])
  })

  it('with --json, prints every change as one JSON object per line with its seq', () => {
    const lines = run('json', [[view({})], [view({ state: 'completed' })]])
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines.map((l) => [l.seq, l.state])).toEqual([
      [1, 'downloading'],
      [2, 'completed'],
    ])
    expect(lines[0]).toMatchObject({ event: 'transfer', id: 1, total: 4 * 1024 * 1024 })
  })

  it('on a terminal, a retry replaces the figures with when, which attempt of how many, and why; it counts down', () => {
    vi.useFakeTimers({ now: NOW })
    let out = ''
    const d = createDisplay('tty', (s) => (out += s), [1])
    d.update({ seq: 1, patches: [view(retrying())], removed: [] })
    expect(out).toContain('connecting  retrying in 4 s, attempt 2 of 6: a.test at 127.0.0.1:1: connection refused')
    // Nothing else changes while it waits, so the display redraws by itself, once a second.
    out = ''
    vi.advanceTimersByTime(1000)
    expect(out).toContain('retrying in 3 s, attempt 2 of 6')
    vi.advanceTimersByTime(3000)
    expect(out).toContain('retrying now, attempt 2 of 6')
    out = ''
    vi.advanceTimersByTime(5000)
    expect(out).toBe('')
    d.update({ seq: 2, patches: [view({ done: 2 })], removed: [] })
    expect(out).not.toContain('retrying')
    d.close()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('in a log, prints each retry once, then the start of the download', () => {
    const out = run('plain', [
      [view(retrying())],
      [view(retrying())],
      [view(retrying(3, 8000))],
      [view({})],
      [view({ done: 3 })],
    ])
    expect(out.trim().split('\n')).toEqual([
      'disk.iso: retrying in 4 s, attempt 2 of 6: a.test at 127.0.0.1:1: connection refused',
      'disk.iso: retrying in 8 s, attempt 3 of 6: a.test at 127.0.0.1:1: connection refused',
      'downloading disk.iso (4.00 MiB)',
    ])
  })

  it('with --json, an event carries the retry as the view has it', () => {
    const [line] = run('json', [[view(retrying())]])
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(line).toMatchObject({ state: 'connecting', retry: retrying().retry })
  })
})
