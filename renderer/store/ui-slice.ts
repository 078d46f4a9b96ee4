import type { StateCreator } from 'zustand'

import type { Output, Payload } from '../../shared/ipc.ts'
import type { AppState } from './app-state.ts'

export type Tab = 'transfers' | 'hosts' | 'settings'
export type Filter = 'all' | 'active' | 'queued' | 'completed' | 'failed'
export type ParsedLinks = Output<'links:parse'>
export type TransferDetails = Output<'transfers:details'>

/** What the add dialog holds; `checked` is the parse of `checkedText`, stale once the text differs. */
export interface AddDraft {
  text: string
  checkedText: string | null
  checked: ParsedLinks | null
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
  openAdd: (draft?: Partial<AddDraft>) => void
  /** Links main was handed (a `pinpoint://` link, a second launch): into the add dialog, for the user to confirm. */
  offerLinks: (urls: readonly string[]) => void
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
}

let noticeIds = 0

/** What only this window knows: tab, filter, selection, dialogs, notices. */
export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set) => {
  const patch = (f: (ui: UiState) => Partial<UiState>): void => set((s) => ({ ui: { ...s.ui, ...f(s.ui) } }))
  return {
    ui: initialUi,
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

    openAdd: (draft) => patch(() => ({ dialog: { kind: 'add' }, addDraft: { ...emptyDraft, ...draft } })),
    offerLinks: (urls) =>
      patch((ui) => {
        const offered = urls.filter((u): u is string => typeof u === 'string' && u.trim() !== '')
        if (offered.length === 0) return {}
        if (ui.dialog?.kind !== 'add') {
          return { dialog: { kind: 'add' }, addDraft: { ...emptyDraft, text: offered.join('\n') } }
        }
        // The user is already editing a list: theirs stays as typed, and only links it lacks are appended.
        const have = new Set(ui.addDraft.text.split('\n').map((line) => line.trim()))
        const more = offered.filter((u) => !have.has(u))
        if (more.length === 0) return {}
        const text = [ui.addDraft.text.trimEnd(), ...more].filter((line) => line !== '').join('\n')
        return { addDraft: { ...ui.addDraft, text } }
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
