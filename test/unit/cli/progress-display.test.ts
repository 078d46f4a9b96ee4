import { describe, expect, it } from 'vitest'

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
  ...patch,
})

function run(mode: 'tty' | 'plain' | 'json', batches: TransferView[][]): string {
  let out = ''
  const d = createDisplay(mode, (s) => (out += s), [1])
  batches.forEach((patches, i) => d.update({ seq: i + 1, patches, removed: [] }))
  return out
}

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
})
