import { describe, expect, it } from 'vitest'

import { HostRule } from '../../../shared/domain.ts'
import { draftFromRule, emptyDraft, ruleFromDraft, sameDraft } from '../../../renderer/host-form-model.ts'

describe('the host form and Certificate Transparency', () => {
  it("keeps a rule's CT mode and policy through an edit and a save", () => {
    const rule = HostRule.parse({ pattern: 'a.test', ct: 'enforce', ctPolicy: 'chrome' })
    const saved = ruleFromDraft({ ...draftFromRule(rule), addresses: '127.0.0.1' })
    expect(saved).toMatchObject({ ok: true, rule: { ct: 'enforce', ctPolicy: 'chrome', addresses: ['127.0.0.1'] } })
  })

  it('a new rule has none, so it reports; changing the mode makes the draft differ', () => {
    const r = ruleFromDraft({ ...emptyDraft, pattern: 'b.test' })
    expect(r.ok && r.rule).not.toHaveProperty('ct')
    expect(sameDraft(emptyDraft, { ...emptyDraft, ct: 'report' })).toBe(true)
    expect(sameDraft(emptyDraft, { ...emptyDraft, ct: 'enforce' })).toBe(false)
    expect(sameDraft(emptyDraft, { ...emptyDraft, ctPolicy: 'chrome' })).toBe(false)
  })
})
