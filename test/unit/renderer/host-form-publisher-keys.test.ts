import { describe, expect, it } from 'vitest'

import {
  draftFromRule,
  emptyDraft,
  publisherKeyList,
  ruleFromDraft,
  sameDraft,
} from '../../../renderer/host-form-model.ts'
import { HostRule } from '../../../shared/domain.ts'

const MINISIGN = 'RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3'
const PGP = [
  '-----BEGIN PGP PUBLIC KEY BLOCK-----',
  '',
  'mDMEZ0Abc',
  '=AbCd',
  '-----END PGP PUBLIC KEY BLOCK-----',
].join('\n')

describe("a host rule's publisher keys in the form", () => {
  it('takes key lines and whole armored blocks, skipping a .pub file comment', () => {
    const text = `untrusted comment: minisign public key 0123\n${MINISIGN}\n\n${PGP}\n`
    expect(publisherKeyList(text)).toEqual([MINISIGN, PGP])
  })

  it('keeps the keys when a rule is edited and saved again, and saves keys typed in', () => {
    const rule = HostRule.parse({ pattern: 'downloads.example.org', publisherKeys: [MINISIGN, PGP] })
    const draft = draftFromRule(rule)
    const saved = ruleFromDraft(draft)
    expect(saved.ok && saved.rule.publisherKeys).toEqual([MINISIGN, PGP])
    expect(sameDraft(draft, { ...draft, publisherKeys: MINISIGN })).toBe(false)
    const typed = ruleFromDraft({ ...emptyDraft, pattern: 'example.org', publisherKeys: ` ${MINISIGN} ` })
    expect(typed.ok && typed.rule.publisherKeys).toEqual([MINISIGN])
    const none = ruleFromDraft({ ...emptyDraft, pattern: 'example.org' })
    expect(none.ok && none.rule.publisherKeys).toBeUndefined()
  })
})
