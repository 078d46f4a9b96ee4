import { describe, expect, it } from 'vitest'

import {
  draftFromRule,
  emptyDraft,
  probeUrlFor,
  ruleFromDraft,
  sameDraft,
  withPin,
  withPinLabel,
} from '../../../renderer/host-form-model.ts'
import { HostRule } from '../../../shared/domain.ts'

const PIN = 'sha256//' + btoa(String.fromCharCode(...new Uint8Array(32).fill(7)))
const PIN2 = 'sha256//' + btoa(String.fromCharCode(...new Uint8Array(32).fill(9)))
const NOW = Date.UTC(2026, 11, 6, 12)

describe('host form model', () => {
  it('builds a rule with the shared schema: lists split on commas, spaces, semicolons and newlines', () => {
    const result = ruleFromDraft(
      {
        ...emptyDraft,
        pattern: ' Example.COM. ',
        port: '8443',
        addresses: '127.0.0.1, ::1  10.0.0.1',
        sni: 'origin.example.com',
        pins: `${PIN}\n`,
        trust: 'pin',
      },
      NOW,
    )
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
        // A pin new in the draft is dated when the rule is saved.
        pinNotes: [{ pin: PIN.slice(8), label: '', addedAt: NOW }],
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

  it('keeps labels and dates: a saved pin keeps its date, an undated old pin is never dated', () => {
    // As saved before pins had notes.
    const old = HostRule.parse({ pattern: 'nas.test', pins: [PIN] })
    const draft = withPinLabel(draftFromRule(old), PIN.slice(8), 'backup key')
    const later = ruleFromDraft({ ...draft, pins: `${draft.pins}\n${PIN2}` }, NOW)
    if (!later.ok) throw new Error(later.errors.join('; '))
    expect(later.rule.pinNotes).toEqual([
      { pin: PIN.slice(8), label: 'backup key' },
      { pin: PIN2.slice(8), label: '', addedAt: NOW },
    ])
    // Saved again a day later: dates stay.
    const again = ruleFromDraft(draftFromRule(later.rule), NOW + 86_400_000)
    expect(again).toEqual(later)
    // A rule whose pins carry no label and no date re-saves exactly as it was.
    expect(ruleFromDraft(draftFromRule(old), NOW)).toEqual({ ok: true, rule: old })
  })

  it('drops the note of a pin taken out of the field', () => {
    const draft = withPin(emptyDraft, PIN, { label: 'leaf', addedAt: NOW })
    const result = ruleFromDraft({ ...draft, pattern: 'a.test', pins: PIN2 }, NOW)
    expect(result.ok && result.rule.pinNotes).toEqual([{ pin: PIN2.slice(8), label: '', addedAt: NOW }])
  })

  it('tells an edited draft from the saved rule, labels included', () => {
    const saved = HostRule.parse({ pattern: 'nas.test', pins: [PIN] })
    const draft = draftFromRule(saved)
    expect(sameDraft(draft, draftFromRule(saved))).toBe(true)
    expect(sameDraft({ ...draft, addresses: '10.0.0.1' }, draft)).toBe(false)
    expect(sameDraft(withPinLabel(draft, PIN.slice(8), 'x'), draft)).toBe(false)
  })

  it('probes a rule at its own host and port', () => {
    expect(probeUrlFor({ ...emptyDraft, pattern: 'Files.Test.', port: '8443' })).toBe('https://files.test:8443/')
    expect(probeUrlFor({ ...emptyDraft, pattern: 'files.test' })).toBe('https://files.test/')
    expect(probeUrlFor({ ...emptyDraft, pattern: '2001:db8::7', port: '8443' })).toBe('https://[2001:db8::7]:8443/')
    expect(probeUrlFor({ ...emptyDraft, pattern: '*.files.test', port: '8443' })).toBe('')
  })
})

describe("a rule's resolver in the form", () => {
  it('survives editing and saving, and "the app\'s setting" leaves the rule without one', () => {
    const rule = HostRule.parse({
      pattern: 'files.example',
      dns: { mode: 'doh', dohUrl: 'https://dns.example/dns-query' },
    })
    const draft = draftFromRule(rule)
    expect(draft).toMatchObject({ dnsMode: 'doh', dohUrl: 'https://dns.example/dns-query' })
    const saved = ruleFromDraft({ ...draft, sni: 'other.example' })
    expect(saved.ok && saved.rule.dns).toEqual({ mode: 'doh', dohUrl: 'https://dns.example/dns-query' })
    const inherit = ruleFromDraft({ ...draft, dnsMode: 'inherit' })
    expect(inherit.ok && inherit.rule.dns).toBeUndefined()
  })

  it('a DoH mode without an https URL is refused with the field named', () => {
    const draft = { ...draftFromRule(HostRule.parse({ pattern: 'files.example' })), dnsMode: 'doh' as const }
    const missing = ruleFromDraft(draft)
    expect(missing.ok).toBe(false)
    expect(!missing.ok && missing.errors.join(' ')).toMatch(/^DNS: DoH modes need a DoH URL/)
    const plain = ruleFromDraft({ ...draft, dohUrl: 'http://dns.example/' })
    expect(!plain.ok && plain.errors.join(' ')).toMatch(/https/)
  })
})
