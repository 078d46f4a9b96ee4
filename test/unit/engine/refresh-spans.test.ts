import { describe, expect, it } from 'vitest'

import { PROBE_BYTES, probeSpans } from '../../../electron/engine/refresh-url.ts'

// Where a new link's bytes are compared with ours: committed data only, at its start and just before its end.
describe('probeSpans', () => {
  it('nothing committed: nothing to compare', () => {
    expect(probeSpans([])).toEqual([])
  })

  it('one short committed span is compared once, whole', () => {
    expect(probeSpans([{ start: 0, end: 1000 }])).toEqual([{ start: 0, end: 1000 }])
  })

  it('one long span: its first and its last PROBE_BYTES', () => {
    const end = 10 * PROBE_BYTES + 17
    expect(probeSpans([{ start: 0, end }])).toEqual([
      { start: 0, end: PROBE_BYTES },
      { start: end - PROBE_BYTES, end },
    ])
  })

  it('several segments: the start of the first and the end of the one that reaches furthest', () => {
    const spans = [
      { start: 0, end: 3 * PROBE_BYTES },
      { start: 8 * PROBE_BYTES, end: 8 * PROBE_BYTES + 100 },
      { start: 4 * PROBE_BYTES, end: 6 * PROBE_BYTES },
    ]
    expect(probeSpans(spans)).toEqual([
      { start: 0, end: PROBE_BYTES },
      { start: 8 * PROBE_BYTES, end: 8 * PROBE_BYTES + 100 },
    ])
  })
})
