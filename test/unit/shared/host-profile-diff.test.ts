import { describe, expect, it } from 'vitest'

import { HostRule, type HostRuleInput } from '../../../shared/domain.ts'
import { diffProfile, sameRule, type LocalRule } from '../../../shared/host-profile-diff.ts'

const rule = (r: HostRuleInput): HostRule => HostRule.parse(r)
const mine = (r: HostRuleInput): LocalRule => ({ rule: rule(r) })
const fromProfile = (r: HostRuleInput, given: HostRuleInput = r, profile = 'team'): LocalRule => ({
  rule: rule(r),
  origin: { profile, profileRule: rule(given) },
})

describe('the diff a profile import shows', () => {
  it('lists added, changed and removed rules of the profile, and counts the unchanged', () => {
    const local = [
      fromProfile({ pattern: 'same.example', addresses: ['10.0.0.1'] }),
      fromProfile({ pattern: 'moved.example', addresses: ['10.0.0.2'] }),
      fromProfile({ pattern: 'gone.example', addresses: ['10.0.0.3'] }),
    ]
    const incoming = [
      rule({ pattern: 'same.example', addresses: ['10.0.0.1'] }),
      rule({ pattern: 'moved.example', addresses: ['10.0.0.9'] }),
      rule({ pattern: 'new.example', port: 8443, sni: 'origin.example' }),
    ]
    const diff = diffProfile('team', incoming, local)
    expect(diff.added.map((r) => r.pattern)).toEqual(['new.example'])
    expect(diff.changed).toEqual([{ key: 'moved.example:*', before: local[1]!.rule, after: incoming[1] }])
    expect(diff.removed.map((r) => r.pattern)).toEqual(['gone.example'])
    expect(diff.conflicts).toEqual([])
    expect(diff.unchanged).toBe(1)
  })

  it('the same pattern on another port is another rule', () => {
    const diff = diffProfile(
      'team',
      [rule({ pattern: 'a.example', port: 443 })],
      [fromProfile({ pattern: 'a.example' })],
    )
    expect(diff.added.map((r) => r.port)).toEqual([443])
    expect(diff.removed.map((r) => r.port)).toEqual([undefined])
  })

  it('a local edit the profile changes again is a conflict; one it leaves alone is kept quietly', () => {
    const local = [
      fromProfile(
        { pattern: 'edited.example', addresses: ['10.0.0.7'] },
        { pattern: 'edited.example', addresses: ['10.0.0.1'] },
      ),
      fromProfile(
        { pattern: 'kept.example', addresses: ['10.0.0.8'] },
        { pattern: 'kept.example', addresses: ['10.0.0.1'] },
      ),
    ]
    const incoming = [
      rule({ pattern: 'edited.example', addresses: ['10.0.0.2'] }),
      rule({ pattern: 'kept.example', addresses: ['10.0.0.1'] }),
    ]
    const diff = diffProfile('team', incoming, local)
    expect(diff.conflicts).toEqual([{ key: 'edited.example:*', local: local[0]!.rule, profile: incoming[0] }])
    expect(diff.keptLocal).toEqual(['kept.example:*'])
    expect(diff.changed).toEqual([])
  })

  it('a locally edited rule the profile drops is a conflict, not a silent removal', () => {
    const local = [fromProfile({ pattern: 'x.example', sni: 'b.example' }, { pattern: 'x.example', sni: 'a.example' })]
    const diff = diffProfile('team', [], local)
    expect(diff.removed).toEqual([])
    expect(diff.conflicts).toEqual([{ key: 'x.example:*', local: local[0]!.rule, profile: null }])
  })

  it("never changes or removes the user's own rules, nor another profile's, without a decision", () => {
    const local = [
      mine({ pattern: 'own.example', addresses: ['10.0.0.1'] }),
      fromProfile({ pattern: 'other.example' }, undefined, 'other'),
    ]
    const incoming = [rule({ pattern: 'own.example', addresses: ['10.0.0.2'] })]
    const diff = diffProfile('team', incoming, local)
    expect(diff.conflicts.map((c) => c.key)).toEqual(['own.example:*'])
    expect(diff.removed).toEqual([])
  })

  it('compares rules by their fields, not by defaults or key order', () => {
    expect(sameRule(rule({ pattern: 'a.example', pinMode: 'enforce' }), rule({ pattern: 'a.example' }))).toBe(true)
    expect(sameRule(rule({ pattern: 'a.example', sni: 'b.example' }), rule({ pattern: 'a.example' }))).toBe(false)
  })
})
