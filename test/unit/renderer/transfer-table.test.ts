import { describe, expect, it } from 'vitest'

import { actionState } from '../../../renderer/action-rules.ts'
import { rowName, spokenBytes, spokenDuration } from '../../../renderer/spoken.ts'
import { createAppStore } from '../../../renderer/store/create-app-store.ts'
import { totals, visibleIds } from '../../../renderer/store/visible.ts'
import { defaultPrefs, gridTemplate, parsePrefs } from '../../../renderer/table-prefs.ts'
import { view } from './fake-api.ts'

const MiB = 1024 * 1024

function store() {
  const s = createAppStore()
  s.getState().loadTransfers({
    seq: 1,
    transfers: [
      view(1, { name: 'b.iso', total: 30 * MiB, state: 'paused', createdAt: 3 }),
      view(2, { name: 'a.iso', total: 10 * MiB, state: 'completed', completedAt: 9, createdAt: 1 }),
      view(3, { name: 'c.iso', total: 30 * MiB, state: 'downloading', done: 5 * MiB, speed: MiB, createdAt: 2 }),
      view(4, { name: 'file-10.bin', total: null, state: 'failed' }),
      view(5, { name: 'file-9.bin', total: 30 * MiB, state: 'queued' }),
    ],
  })
  return s
}

describe('sorting the table', () => {
  it('cycles ascending, descending, queue order; stable on ties; unknown values last both ways', () => {
    const s = store()
    s.getState().cycleSort('size')
    expect(visibleIds(s.getState())).toEqual([2, 1, 3, 5, 4])
    s.getState().cycleSort('size')
    expect(visibleIds(s.getState())).toEqual([1, 3, 5, 2, 4])
    s.getState().cycleSort('size')
    expect(s.getState().ui.table.sort).toBeNull()
    expect(visibleIds(s.getState())).toBe(s.getState().transfers.order)
  })

  it('sorts names as people read numbers, and keeps the result while only progress changes', () => {
    const s = store()
    s.getState().cycleSort('name')
    const sorted = visibleIds(s.getState())
    expect(sorted).toEqual([2, 1, 3, 5, 4])
    s.getState().applyTransferChanges({ seq: 2, patches: [view(3, { name: 'c.iso', done: 6 * MiB })], removed: [] })
    expect(visibleIds(s.getState())).toBe(sorted)
  })

  it('sorts by finished time with unfinished last, and combines with a filter', () => {
    const s = store()
    s.getState().cycleSort('added')
    expect(visibleIds(s.getState())).toEqual([4, 5, 2, 3, 1])
    s.getState().setFilter('paused')
    expect(visibleIds(s.getState())).toEqual([1])
  })
})

describe('table preferences', () => {
  it('hides and shows columns in their place, never the name, and keeps widths in bounds', () => {
    const s = store()
    s.getState().toggleColumn('state')
    expect(s.getState().ui.table.columns).not.toContain('state')
    s.getState().toggleColumn('state')
    expect(s.getState().ui.table.columns).toEqual(defaultPrefs().columns)
    s.getState().toggleColumn('name')
    expect(s.getState().ui.table.columns).toContain('name')
    s.getState().setColumnWidth('progress', 5000)
    expect(s.getState().ui.table.widths.progress).toBe(260)
    expect(gridTemplate(s.getState().ui.table)).toMatch(/^\d+px \d+px 260px .* minmax\(0, 1fr\)$/)
  })

  it('reads what was stored field by field, and falls back on anything bad', () => {
    expect(parsePrefs('nonsense')).toEqual(defaultPrefs())
    const p = parsePrefs({ columns: ['size', 'bogus'], widths: { name: 10, size: 'x' }, sort: { key: 'size' } })
    expect(p.columns).toEqual(['name', 'size'])
    expect(p.widths.name).toBe(120)
    expect(p.widths.size).toBe(defaultPrefs().widths.size)
    expect(p.sort).toBeNull()
  })
})

describe('after adding', () => {
  it('selects only the first new transfer', () => {
    const s = store()
    s.getState().setTab('hosts')
    s.getState().showAdded([3, 4, 5])
    expect([...s.getState().ui.selected]).toEqual([3])
    expect(s.getState().ui.focus).toBe(3)
    expect(s.getState().ui.tab).toBe('transfers')
    s.getState().clearSelection()
    expect(s.getState().ui.selected.size).toBe(0)
  })
})

describe('totals', () => {
  it('counts each filter and adds up speed and time left over what runs and waits', () => {
    const t = totals(store().getState())
    expect(t.counts).toEqual({ all: 5, active: 1, queued: 1, paused: 1, completed: 1, failed: 1 })
    expect(t.speed).toBe(MiB)
    // 25 MiB left of the running one, 30 MiB of the queued one, at 1 MiB/s.
    expect(t.eta).toBe(55)
  })
})

describe('actions for a selection', () => {
  const ctx = { notHere: null, sortedBy: null }
  it('disables what applies to nothing selected, with the reason', () => {
    const done = view(1, { state: 'completed' })
    expect(actionState('pause', [done], ctx)).toEqual({
      enabled: false,
      reason: 'Completed transfers cannot be paused',
    })
    expect(actionState('open', [done], ctx).enabled).toBe(true)
    expect(actionState('pause', [done, view(2, { state: 'downloading' })], ctx).enabled).toBe(true)
    expect(actionState('retry', [view(3, { state: 'canceled' })], ctx).reason).toMatch(/add the link again/)
    expect(actionState('move-up', [done], { notHere: null, sortedBy: 'Size' }).reason).toBe(
      'Sorted by Size: sort by queue order to move rows',
    )
    expect(actionState('remove', [], ctx)).toEqual({ enabled: false, reason: 'Select one or more downloads first' })
  })
})

describe('rows in words', () => {
  it('never says a raw byte count', () => {
    expect(spokenBytes(5 * MiB)).toBe('5 MiB')
    expect(spokenBytes(512)).toBe('512 bytes')
    expect(spokenDuration(65)).toBe('1 minute 5 seconds')
    const name = rowName(
      view(1, { name: 'big.bin', done: 32_086_426, total: 64 * MiB, state: 'downloading', speed: 5 * MiB, eta: 7 }),
    )
    expect(name).toBe('big.bin, 30.6 MiB of 64 MiB, downloading, 5 MiB per second, 7 seconds left')
  })
})
