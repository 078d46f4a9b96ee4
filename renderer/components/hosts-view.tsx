import { useState } from 'react'

import type { HostRule } from '../../shared/domain.ts'
import { command } from '../commands.ts'
import { isDirty, saveAndRecheck } from '../host-editor-actions.ts'
import { ruleKey } from '../store/hosts-slice.ts'
import { appStore, useStore } from '../store/index.ts'
import { HostForm } from './host-form.tsx'
import { HostProfiles } from './host-profiles.tsx'
import { HostRuleTable } from './host-rule-table.tsx'
import { Modal } from './modal.tsx'
import './hosts-view.css'

/**
 * Open a rule in the form and bring the form into view: below 1100 px it sits under the table, where a click on
 * a row would otherwise seem to do nothing. The host field takes the focus, for the keyboard.
 */
function openAndShow(rule: HostRule | null): void {
  appStore.getState().openHostEditor(rule)
  requestAnimationFrame(() => {
    document.querySelector('[data-testid="host-editor"]')?.scrollIntoView({ block: 'nearest' })
    document.querySelector<HTMLInputElement>('[data-testid="host-pattern"]')?.focus({ preventScroll: true })
  })
}

/**
 * The hosts tab: the saved rules, and a form to add, edit, delete and probe one.
 *
 * The rule being edited lives in the store (see hosts-slice.ts), so leaving the tab keeps it; opening another
 * rule over unsaved edits asks first.
 */
export function HostsView() {
  const editor = useStore((s) => s.hostEditor)
  // The rule the user asked to open while the form held unsaved edits (null: a new rule).
  const [asking, setAsking] = useState<{ rule: HostRule | null } | null>(null)
  const { patchHostEditor, closeHostEditor } = appStore.getState()

  const open = (rule: HostRule | null) => {
    const current = appStore.getState().hostEditor
    if (current !== null && rule !== null && current.original !== null && ruleKey(current.original) === ruleKey(rule)) {
      return
    }
    if (current !== null && isDirty(current)) return setAsking({ rule })
    openAndShow(rule)
  }

  const remove = async () => {
    const old = appStore.getState().hostEditor?.original
    if (old === null || old === undefined) return closeHostEditor()
    await command('hosts:remove', { pattern: old.pattern, ...(old.port === undefined ? {} : { port: old.port }) })
    closeHostEditor()
  }

  return (
    <div className="hosts-view" data-testid="hosts-view">
      <section className="hosts-list">
        <div className="section-head">
          <h2>Host rules</h2>
          <button type="button" data-testid="host-add" onClick={() => open(null)}>
            Add rule
          </button>
        </div>
        <HostProfiles />
        <HostRuleTable selected={editor?.original ?? null} onEdit={open} />
      </section>
      {editor !== null && (
        <HostForm
          key={editor.session}
          draft={editor.draft}
          isNew={editor.original === null}
          errors={editor.errors}
          onChange={(draft) => patchHostEditor({ draft }, editor.session)}
          onSave={() => void saveAndRecheck()}
          onDelete={() => void remove()}
          saved={editor.original ?? undefined}
        />
      )}
      {asking !== null && (
        <Modal testId="discard-draft" title="Discard unsaved changes?" onClose={() => setAsking(null)}>
          <p>
            The rule {editor?.draft.pattern.trim() ? `for ${editor.draft.pattern.trim()}` : 'being added'} has changes
            that are not saved.
          </p>
          <div className="dialog-buttons">
            <button
              type="button"
              className="danger"
              data-testid="discard-draft-yes"
              onClick={() => {
                setAsking(null)
                openAndShow(asking.rule)
              }}
            >
              Discard changes
            </button>
            <button type="button" data-testid="discard-draft-no" autoFocus onClick={() => setAsking(null)}>
              Keep editing
            </button>
          </div>
        </Modal>
      )}
    </div>
  )
}
