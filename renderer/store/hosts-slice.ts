import type { StateCreator } from 'zustand'

import type { HostRule } from '../../shared/domain.ts'
import type { Output } from '../../shared/ipc.ts'
import { draftFromRule, emptyDraft, sameDraft, type HostDraft } from '../host-form-model.ts'
import type { AppState } from './app-state.ts'

export interface HostsState {
  rules: readonly HostRule[]
  loaded: boolean
}

/**
 * The rule open in the hosts form, kept in the store rather than in the view so that a tab switch (which
 * unmounts the view) keeps unsaved edits, the probe URL and the last probe's result.
 */
export interface HostEditor {
  /** A new number each time a rule (or a new one) is opened: an answer for an earlier one is dropped. */
  session: number
  /** The saved rule being edited; null for a new one. */
  original: HostRule | null
  draft: HostDraft
  errors: readonly string[]
  /** The probe URL as typed; null while it follows the rule's host and port. */
  probeUrl: string | null
  probing: boolean
  report: Output<'hosts:probe'> | null
  /** What the last confirmed "Pin this key" saved, said next to the probe result. */
  pinned: string | null
}

export interface HostsSlice {
  hosts: HostsState
  hostEditor: HostEditor | null
  setHosts: (rules: readonly HostRule[]) => void
  /** Open `rule` in the form (null: a new rule), dropping whatever was open. */
  openHostEditor: (rule: HostRule | null) => void
  /** Change the open editor; ignored when `session` is given and another rule was opened since. */
  patchHostEditor: (patch: Partial<Omit<HostEditor, 'session'>>, session?: number) => void
  closeHostEditor: () => void
}

let sessions = 0

/** The mirror of main's host rules; `hosts:changed` sends the whole list, so a set replaces it. */
export const createHostsSlice: StateCreator<AppState, [], [], HostsSlice> = (set) => ({
  hosts: { rules: [], loaded: false },
  hostEditor: null,
  setHosts: (rules) => set((s) => ({ hosts: { rules, loaded: true }, hostEditor: followSaved(s.hostEditor, rules) })),
  openHostEditor: (rule) =>
    set({
      hostEditor: {
        session: ++sessions,
        original: rule,
        draft: rule === null ? emptyDraft : draftFromRule(rule),
        errors: [],
        probeUrl: null,
        probing: false,
        report: null,
        pinned: null,
      },
    }),
  patchHostEditor: (patch, session) =>
    set((s) => {
      const editor = s.hostEditor
      if (editor === null || (session !== undefined && editor.session !== session)) return {}
      return { hostEditor: { ...editor, ...patch } }
    }),
  closeHostEditor: () => set({ hostEditor: null }),
})

/**
 * The open editor after the saved rules changed: a rule changed elsewhere (a pin added from a transfer's
 * details, another window) is shown as saved when the form holds no edits of its own, so a later Save cannot
 * quietly undo that change. Unsaved edits are left alone.
 */
function followSaved(editor: HostEditor | null, rules: readonly HostRule[]): HostEditor | null {
  const original = editor?.original
  if (editor === null || original === null || original === undefined) return editor
  const now = rules.find((r) => ruleKey(r) === ruleKey(original))
  if (now === undefined || JSON.stringify(now) === JSON.stringify(original)) return editor
  if (!sameDraft(editor.draft, draftFromRule(original))) return editor
  return { ...editor, original: now, draft: draftFromRule(now) }
}

/** The key main stores a rule under: pattern plus optional port. */
export function ruleKey(rule: Pick<HostRule, 'pattern' | 'port'>): string {
  return rule.port === undefined ? rule.pattern : `${rule.pattern}:${rule.port}`
}
