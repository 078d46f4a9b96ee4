import { useState } from 'react'

import type { HostRule } from '../../shared/domain.ts'
import { command } from '../commands.ts'
import { draftFromRule, emptyDraft, ruleFromDraft, type HostDraft } from '../host-form-model.ts'
import { ruleKey } from '../store/hosts-slice.ts'
import { HostForm } from './host-form.tsx'
import { HostRuleTable } from './host-rule-table.tsx'

interface Editing {
  /** The saved rule being edited; null for a new one. */
  original: HostRule | null
  draft: HostDraft
}

/** The hosts tab: the saved rules, and a form to add, edit, delete and probe one. */
export function HostsView() {
  const [editing, setEditing] = useState<Editing | null>(null)
  const [errors, setErrors] = useState<string[]>([])

  const edit = (original: HostRule | null) => {
    setErrors([])
    setEditing({ original, draft: original === null ? emptyDraft : draftFromRule(original) })
  }

  const save = async () => {
    if (editing === null) return
    const checked = ruleFromDraft(editing.draft)
    if (!checked.ok) return setErrors(checked.errors)
    setErrors([])
    const saved = await command('hosts:upsert', { rule: checked.rule })
    if (saved === undefined) return
    // Pattern and port are the rule's key: a changed key saved a new rule, so the old one goes.
    const old = editing.original
    if (old !== null && ruleKey(old) !== ruleKey(saved)) {
      await command('hosts:remove', { pattern: old.pattern, ...(old.port === undefined ? {} : { port: old.port }) })
    }
    setEditing({ original: saved, draft: draftFromRule(saved) })
  }

  const remove = async () => {
    const old = editing?.original
    if (old === null || old === undefined) return setEditing(null)
    await command('hosts:remove', { pattern: old.pattern, ...(old.port === undefined ? {} : { port: old.port }) })
    setEditing(null)
  }

  return (
    <div className="hosts-view">
      <section className="hosts-list">
        <div className="section-head">
          <h2>Host rules</h2>
          <button type="button" data-testid="host-add" onClick={() => edit(null)}>
            Add rule
          </button>
        </div>
        <HostRuleTable selected={editing?.original ?? null} onEdit={edit} />
      </section>
      {editing !== null && (
        <HostForm
          key={editing.original === null ? 'new' : ruleKey(editing.original)}
          draft={editing.draft}
          isNew={editing.original === null}
          errors={errors}
          setErrors={setErrors}
          onChange={(draft) => setEditing({ ...editing, draft })}
          onSave={() => void save()}
          onDelete={() => void remove()}
        />
      )}
    </div>
  )
}
