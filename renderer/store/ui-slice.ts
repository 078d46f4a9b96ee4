import type { StateCreator } from 'zustand'

import type { OfferSource, Output, Payload } from '../../shared/ipc.ts'
import {
  clampWidth,
  COLUMN_KEYS,
  defaultPrefs,
  loadPrefs,
  savePrefs,
  type ColumnKey,
  type Density,
  type Sort,
  type TablePrefs,
} from '../table-prefs.ts'
import type { AppState } from './app-state.ts'

export type Tab = 'transfers' | 'hosts' | 'settings'
export type Filter = 'all' | 'active' | 'queued' | 'paused' | 'completed' | 'failed'
export type ParsedLinks = Output<'links:parse'>
export type TransferDetails = Output<'transfers:details'>

/** What the add dialog holds; `checked` is the parse of `checkedText`, stale once the text differs. */
export interface AddDraft {
  text: string
  checkedText: string | null
  checked: ParsedLinks | null
  /** The offer the links came from: main adds its referrer and cookies when they are added. */
  offer?: string
  /** Where that offer came from, as the dialog says it (the page's site, how many cookies go with the links). */
  from?: OfferSource
}

export type Dialog = { kind: 'add' } | { kind: 'remove'; ids: readonly number[] } | null

export interface UiNotice extends Payload<'notice'> {
  id: number
}

export interface UiState {
  tab: Tab
  filter: Filter
  search: string
  selected: ReadonlySet<number>
  /** Where a shift-click range starts. */
  anchor: number | null
  /** The row the keyboard is on; its details are shown. */
  focus: number | null
  dialog: Dialog
  addDraft: AddDraft
  details: { id: number; data: TransferDetails } | null
  notices: readonly UiNotice[]
  /** The transfer table's columns, widths, sort and density; remembered across sessions. */
  table: TablePrefs
  /** Bumped to ask the table to take the keyboard focus once no dialog is open (after adding, removing). */
  focusTick: number
  /** What the live region says: completions, failures, and why a shortcut did nothing. */
  announcements: readonly UiNotice[]
}

export type SelectMode = 'replace' | 'toggle' | 'range'

export interface UiSlice {
  ui: UiState
  setTab: (tab: Tab) => void
  setFilter: (filter: Filter) => void
  setSearch: (search: string) => void
  /** `visible` is the list as shown, which a range is taken from. */
  select: (id: number, mode: SelectMode, visible: readonly number[]) => void
  setSelection: (ids: readonly number[], focus?: number | null) => void
  /** Select nothing; the keyboard stays on its row. */
  clearSelection: () => void
  /** Just-added transfers: the transfers tab, with the first new one selected (not all of them). */
  showAdded: (ids: readonly number[]) => void
  /** A header click: ascending, then descending, then back to the queue order. */
  cycleSort: (key: ColumnKey) => void
  setSort: (sort: Sort) => void
  setColumnWidth: (key: ColumnKey, width: number) => void
  toggleColumn: (key: ColumnKey) => void
  setDensity: (density: Density) => void
  resetTable: () => void
  requestTableFocus: () => void
  announce: (message: string) => void
  openAdd: (draft?: Partial<AddDraft>) => void
  /** Links main was handed (a `pinpoint://` link, a second launch): into the add dialog, for the user to confirm. */
  offerLinks: (urls: readonly string[], offer?: string, from?: OfferSource) => void
  setAddText: (text: string) => void
  setAddChecked: (text: string, checked: ParsedLinks) => void
  openRemove: (ids: readonly number[]) => void
  closeDialog: () => void
  setDetails: (id: number, data: TransferDetails) => void
  pushNotice: (notice: Payload<'notice'>) => void
  dismissNotice: (id: number) => void
}

/** Notices kept on screen at once; older ones give way. */
const MAX_NOTICES = 5

const emptyDraft: AddDraft = { text: '', checkedText: null, checked: null }

export const initialUi: UiState = {
  tab: 'transfers',
  filter: 'all',
  search: '',
  selected: new Set(),
  anchor: null,
  focus: null,
  dialog: null,
  addDraft: emptyDraft,
  details: null,
  notices: [],
  table: defaultPrefs(),
  focusTick: 0,
  announcements: [],
}

let noticeIds = 0

/** What only this window knows: tab, filter, selection, dialogs, notices. */
export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set) => {
  const patch = (f: (ui: UiState) => Partial<UiState>): void => set((s) => ({ ui: { ...s.ui, ...f(s.ui) } }))
  const table = (f: (t: TablePrefs) => TablePrefs): void =>
    patch((ui) => {
      const next = f(ui.table)
      savePrefs(next)
      return { table: next }
    })
  return {
    ui: { ...initialUi, table: loadPrefs() },
    setTab: (tab) => patch(() => ({ tab })),
    setFilter: (filter) => patch(() => ({ filter })),
    setSearch: (search) => patch(() => ({ search })),

    select: (id, mode, visible) =>
      patch((ui) => {
        if (mode === 'toggle') {
          const selected = new Set(ui.selected)
          if (!selected.delete(id)) selected.add(id)
          return { selected, anchor: id, focus: id }
        }
        if (mode === 'range' && ui.anchor !== null) {
          const from = visible.indexOf(ui.anchor)
          const to = visible.indexOf(id)
          if (from !== -1 && to !== -1) {
            const range = visible.slice(Math.min(from, to), Math.max(from, to) + 1)
            return { selected: new Set(range), focus: id }
          }
        }
        return { selected: new Set([id]), anchor: id, focus: id }
      }),

    setSelection: (ids, focus) =>
      patch((ui) => ({ selected: new Set(ids), focus: focus === undefined ? ui.focus : focus })),

    clearSelection: () => patch(() => ({ selected: new Set(), anchor: null })),
    showAdded: (ids) =>
      patch((ui) => {
        const first = ids[0]
        if (first === undefined) return { tab: 'transfers' }
        return {
          tab: 'transfers',
          selected: new Set([first]),
          anchor: first,
          focus: first,
          focusTick: ui.focusTick + 1,
        }
      }),
    requestTableFocus: () => patch((ui) => ({ focusTick: ui.focusTick + 1 })),
    announce: (message) =>
      patch((ui) => ({
        announcements: [...ui.announcements, { level: 'info' as const, message, id: ++noticeIds }].slice(-MAX_NOTICES),
      })),

    cycleSort: (key) =>
      table((t) => {
        const sort: Sort =
          t.sort?.key !== key ? { key, dir: 'asc' } : t.sort.dir === 'asc' ? { key, dir: 'desc' } : null
        return { ...t, sort }
      }),
    setSort: (sort) => table((t) => ({ ...t, sort })),
    setColumnWidth: (key, width) => table((t) => ({ ...t, widths: { ...t.widths, [key]: clampWidth(key, width) } })),
    toggleColumn: (key) =>
      table((t) => {
        if (key === 'name') return t
        const shown = t.columns.includes(key)
        // A column shown again goes back to its usual place among the others.
        const columns = shown
          ? t.columns.filter((k) => k !== key)
          : COLUMN_KEYS.filter((k) => k === key || t.columns.includes(k))
        return { ...t, columns, sort: shown && t.sort?.key === key ? null : t.sort }
      }),
    setDensity: (density) => table((t) => ({ ...t, density })),
    resetTable: () => table(() => defaultPrefs()),

    openAdd: (draft) => patch(() => ({ dialog: { kind: 'add' }, addDraft: { ...emptyDraft, ...draft } })),
    offerLinks: (urls, offer, from) =>
      patch((ui) => {
        const offered = urls.filter((u): u is string => typeof u === 'string' && u.trim() !== '')
        if (offered.length === 0) return {}
        if (ui.dialog?.kind !== 'add') {
          const draft = { ...emptyDraft, text: offered.join('\n'), ...offerOf(offer, from) }
          return { dialog: { kind: 'add' }, addDraft: draft }
        }
        // The user is already editing a list: theirs stays as typed, and only links it lacks are appended.
        const have = new Set(ui.addDraft.text.split('\n').map((line) => line.trim()))
        const more = offered.filter((u) => !have.has(u))
        // The newest offer is the one confirmed, so what the dialog says of its source goes with it.
        const kept = offer === undefined ? ui.addDraft : withoutSource(ui.addDraft)
        const withOffer = offerOf(offer, from)
        if (more.length === 0) return { addDraft: { ...kept, ...withOffer } }
        const text = [ui.addDraft.text.trimEnd(), ...more].filter((line) => line !== '').join('\n')
        return { addDraft: { ...kept, text, ...withOffer } }
      }),
    setAddText: (text) => patch((ui) => ({ addDraft: { ...ui.addDraft, text } })),
    setAddChecked: (text, checked) => patch((ui) => ({ addDraft: { ...ui.addDraft, checkedText: text, checked } })),
    openRemove: (ids) => patch(() => ({ dialog: { kind: 'remove', ids } })),
    closeDialog: () => patch(() => ({ dialog: null })),
    setDetails: (id, data) => patch(() => ({ details: { id, data } })),

    pushNotice: (notice) =>
      patch((ui) => ({ notices: [...ui.notices, { ...notice, id: ++noticeIds }].slice(-MAX_NOTICES) })),
    dismissNotice: (id) => patch((ui) => ({ notices: ui.notices.filter((n) => n.id !== id) })),
  }
}

/** A draft's offer fields: the id, and where it came from when that is known. */
function offerOf(offer: string | undefined, from: OfferSource | undefined): Pick<AddDraft, 'offer' | 'from'> {
  if (offer === undefined) return {}
  return from === undefined ? { offer } : { offer, from }
}

function withoutSource(draft: AddDraft): AddDraft {
  const { from: _from, ...rest } = draft
  return rest
}
