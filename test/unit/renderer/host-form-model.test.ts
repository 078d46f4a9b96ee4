import { describe, expect, it } from 'vitest'

import { draftFromRule, emptyDraft, ruleFromDraft, withPin } from '../../../renderer/host-form-model.ts'

const PIN = 'sha256//' + btoa(String.fromCharCode(...new Uint8Array(32).fill(7)))

describe('host form model', () => {
  it('builds a rule with the shared schema: lists split on commas, spaces, semicolons and newlines', () => {
    const result = ruleFromDraft({
      ...emptyDraft,
      pattern: ' Example.COM. ',
      port: '8443',
      addresses: '127.0.0.1, ::1  10.0.0.1',
      sni: 'origin.example.com',
      pins: `${PIN}\n`,
      trust: 'pin',
    })
    expect(result).toEqual({
      ok: true,
      rule: {
        pattern: 'example.com',
        port: 8443,
        addresses: ['127.0.0.1', '::1', '10.0.0.1'],
        sni: 'origin.example.com',
        pins: [PIN.slice(8)],
        pinMode: 'enforce',
        trust: 'pin',
      },
    })
  })

  it('names the field of each error', () => {
    const result = ruleFromDraft({ ...emptyDraft, pattern: 'bad host!', port: 'x', addresses: 'nope', trust: 'pin' })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors.some((e) => e.startsWith('Host: '))).toBe(true)
    expect(result.errors.some((e) => e.startsWith('Port: '))).toBe(true)
    expect(result.errors.some((e) => e.startsWith('Addresses #1: '))).toBe(true)
  })

  it('round-trips a saved rule through the form', () => {
    const saved = ruleFromDraft({ ...emptyDraft, pattern: '*.example.org', pins: PIN, pinMode: 'report' })
    if (!saved.ok) throw new Error(saved.errors.join('; '))
    expect(ruleFromDraft(draftFromRule(saved.rule))).toEqual(saved)
  })

  it('adds a pin once', () => {
    const once = withPin(emptyDraft, PIN)
    expect(withPin(once, PIN)).toBe(once)
    expect(once.pins).toBe(PIN)
  })
})
