import type { HostRule } from '../shared/domain.ts'
import { command } from './commands.ts'
import {
  barePin,
  draftFromRule,
  emptyDraft,
  probeUrlFor,
  ruleFromDraft,
  sameDraft,
  withPin,
} from './host-form-model.ts'
import type { HostDraft } from './host-form-model.ts'
import { ruleKey, type HostEditor } from './store/hosts-slice.ts'
import { appStore } from './store/index.ts'

/**
 * What the hosts form does with main: save, probe, and pin-and-save. They work on the editor in the store and
 * tag every write with the editor's session, so an answer that arrives after the user opened another rule is
 * dropped instead of landing in the wrong form.
 */

const state = () => appStore.getState()

// By editor object: the tab bar asks at every store change (progress events too), and an editor is immutable.
const dirty = new WeakMap<HostEditor, boolean>()

/** Whether the open editor holds edits that are not saved. */
export function isDirty(editor: HostEditor): boolean {
  let answer = dirty.get(editor)
  if (answer === undefined) {
    answer = !sameDraft(editor.draft, editor.original === null ? emptyDraft : draftFromRule(editor.original))
    dirty.set(editor, answer)
  }
  return answer
}

/** The URL Probe connects to: as typed, else the rule's own host and port. */
export function probeUrlOf(editor: HostEditor): string {
  return editor.probeUrl ?? probeUrlFor(editor.draft)
}

/** Save the open draft (or `draft`, which then becomes the open one); the saved rule, or undefined. */
export async function saveHostDraft(draft?: HostDraft): Promise<HostRule | undefined> {
  const editor = state().hostEditor
  if (editor === null) return undefined
  const { session, original } = editor
  const patch = state().patchHostEditor
  const next = draft ?? editor.draft
  const checked = ruleFromDraft(next)
  if (!checked.ok) {
    patch({ draft: next, errors: checked.errors }, session)
    return undefined
  }
  patch({ draft: next, errors: [] }, session)
  const saved = await command('hosts:upsert', { rule: checked.rule })
  if (saved === undefined) return undefined
  // Pattern and port are the rule's key: a changed key saved a new rule, so the old one goes.
  if (original !== null && ruleKey(original) !== ruleKey(saved)) {
    await command('hosts:remove', {
      pattern: original.pattern,
      ...(original.port === undefined ? {} : { port: original.port }),
    })
  }
  patch({ original: saved, draft: draftFromRule(saved) }, session)
  return saved
}

/**
 * Save from the form's button. A probe result on screen was made under the draft; it is made again under the
 * saved rule, so what the view shows is what the next connection will meet.
 */
export async function saveAndRecheck(): Promise<void> {
  const session = state().hostEditor?.session
  const saved = await saveHostDraft()
  const editor = state().hostEditor
  if (saved !== undefined && editor !== null && editor.session === session && editor.report !== null) {
    await probeHost()
  }
}

/** Probe the probe URL under the rule as edited (tried ahead of the saved rules), and keep the report. */
export async function probeHost(): Promise<void> {
  const editor = state().hostEditor
  if (editor === null) return
  const { session, draft } = editor
  const patch = state().patchHostEditor
  let rule: HostRule | undefined
  if (draft.pattern.trim() !== '') {
    const checked = ruleFromDraft(draft)
    if (!checked.ok) return patch({ errors: checked.errors }, session)
    rule = checked.rule
  }
  patch({ errors: [], probing: true }, session)
  const report = await command('hosts:probe', {
    url: probeUrlOf(editor).trim(),
    ...(rule === undefined ? {} : { rule }),
  })
  patch({ probing: false, ...(report === undefined ? {} : { report }) }, session)
}

export interface PinChoice {
  pin: string
  label: string
  /** Switch the rule to trust by pinned key (a chain that does not verify, the leaf's key). */
  trust: boolean
}

/**
 * The one confirmed step of "Pin this key": the pin (labelled, dated now unless the rule had it already) goes
 * into the rule, trust switches to the pinned key if chosen, the rule is saved, and the probe runs again under
 * the saved rule so the view shows what the next connection will meet.
 */
export async function pinAndSave(choice: PinChoice): Promise<void> {
  const editor = state().hostEditor
  if (editor === null) return
  const { session } = editor
  const draft = ruleDraftForPin(editor)
  const known = draft.notes[barePin(choice.pin) ?? choice.pin]
  const addedAt = known === undefined || known.isNew ? Date.now() : known.addedAt
  let next = withPin(draft, choice.pin, { label: choice.label, ...(addedAt === undefined ? {} : { addedAt }) })
  if (choice.trust) next = { ...next, trust: 'pin' }
  const saved = await saveHostDraft(next)
  if (saved === undefined) return
  const how = saved.trust === 'pin' ? ', trusted by its pinned key from now on' : ''
  state().patchHostEditor({ pinned: `Saved: the pin is in the rule for ${ruleKey(saved)}${how}.` }, session)
  await probeHost()
}

/** The rule a pin goes into: the draft, or for a probe made with no host typed, the probed host and port. */
export function ruleDraftForPin(editor: HostEditor): HostDraft {
  const { draft, report } = editor
  if (draft.pattern.trim() !== '' || report === null) return draft
  const url = new URL(report.url)
  return { ...draft, pattern: url.hostname.replace(/^\[|\]$/g, ''), port: url.port }
}
