import { describe, expect, it } from 'vitest'

import { createAppStore } from '../../../renderer/store/create-app-store.ts'
import { selectedIds, visibleIds } from '../../../renderer/store/visible.ts'
import { view } from './fake-api.ts'

const ids = [1, 2, 3, 4, 5]

describe('ui slice: selection', () => {
  it('replaces, toggles and extends a range from the anchor', () => {
    const store = createAppStore()
    const { select } = store.getState()
    select(2, 'replace', ids)
    expect([...store.getState().ui.selected]).toEqual([2])
    select(4, 'toggle', ids)
    expect([...store.getState().ui.selected].sort()).toEqual([2, 4])
    select(4, 'toggle', ids)
    expect([...store.getState().ui.selected]).toEqual([2])
    select(2, 'replace', ids)
    select(5, 'range', ids)
    expect([...store.getState().ui.selected]).toEqual([2, 3, 4, 5])
    // The anchor stays where the range started, so a second shift-click re-aims the same range.
    select(1, 'range', ids)
    expect([...store.getState().ui.selected]).toEqual([1, 2])
    expect(store.getState().ui.focus).toBe(1)
  })

  it('keeps at most five notices, dropping the oldest', () => {
    const store = createAppStore()
    for (let i = 0; i < 7; i++) store.getState().pushNotice({ level: 'info', message: `n${i}` })
    expect(store.getState().ui.notices.map((n) => n.message)).toEqual(['n2', 'n3', 'n4', 'n5', 'n6'])
  })
})

describe('ui slice: links offered by main', () => {
  it('opens the add dialog with the links, one per line, replacing whatever dialog was open', () => {
    const store = createAppStore()
    store.getState().openRemove([1])
    store.getState().offerLinks(['https://a.test/1', 'https://b.test/2'])
    expect(store.getState().ui.dialog).toEqual({ kind: 'add' })
    expect(store.getState().ui.addDraft).toEqual({
      text: 'https://a.test/1\nhttps://b.test/2',
      checkedText: null,
      checked: null,
    })
  })

  it('adds to a list the user is already editing, without repeating a link, and keeps what they typed', () => {
    const store = createAppStore()
    store.getState().openAdd()
    store.getState().setAddText('https://mine.test/a\n')
    store.getState().offerLinks(['https://mine.test/a', 'https://b.test/2'])
    expect(store.getState().ui.addDraft.text).toBe('https://mine.test/a\nhttps://b.test/2')
    store.getState().offerLinks(['https://b.test/2'])
    expect(store.getState().ui.addDraft.text).toBe('https://mine.test/a\nhttps://b.test/2')
  })

  it('ignores an empty offer and anything that is not a string', () => {
    const store = createAppStore()
    store.getState().offerLinks([])
    store.getState().offerLinks([42 as unknown as string])
    expect(store.getState().ui.dialog).toBeNull()
  })
})

describe('visible and selected ids', () => {
  function store() {
    const s = createAppStore()
    s.getState().loadTransfers({
      seq: 1,
      transfers: [
        view(1, { state: 'downloading', name: 'Movie.mkv' }),
        view(2, { state: 'completed', name: 'notes.txt' }),
        view(3, { state: 'failed', name: 'movie-2.mkv' }),
        view(4, { state: 'paused' }),
      ],
    })
    return s
  }

  it('filters by state group and searches names case-insensitively', () => {
    const s = store()
    expect(visibleIds(s.getState())).toBe(s.getState().transfers.order)
    s.getState().setFilter('active')
    expect(visibleIds(s.getState())).toEqual([1])
    s.getState().setFilter('queued')
    expect(visibleIds(s.getState())).toEqual([])
    s.getState().setFilter('paused')
    expect(visibleIds(s.getState())).toEqual([4])
    s.getState().setFilter('all')
    s.getState().setSearch('MOVIE')
    expect(visibleIds(s.getState())).toEqual([1, 3])
    s.getState().setSearch('file-4')
    expect(visibleIds(s.getState())).toEqual([4])
  })

  it('drops selected ids that no longer exist', () => {
    const s = store()
    s.getState().setSelection([2, 9, 1])
    expect(selectedIds(s.getState())).toEqual([1, 2])
  })
})
