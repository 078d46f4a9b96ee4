import { describe, expect, it } from 'vitest'

import { HostRule, type HostRuleInput } from '../../../shared/domain.ts'
import { effectiveRule, parseProfile, serializeProfile, withRun } from '../../../shared/profile.ts'
import { findRule } from '../../../electron/transport/host-rules.ts'
import { targetFor } from '../../../electron/transport/target.ts'

const rule = (r: HostRuleInput) => HostRule.parse(r)
// Rules keep pins as bare base64; curl's sha256// form is accepted on the way in.
const PIN_A = Buffer.alloc(32, 1).toString('base64')
const PIN_B = Buffer.alloc(32, 2).toString('base64')

describe("a download's profile over the saved host rules", () => {
  it('is the one that applies when only one of them has a rule for the host', () => {
    const own = rule({ pattern: 'a.test', addresses: ['127.0.0.2'] })
    const saved = rule({ pattern: 'a.test', pins: [PIN_A] })
    expect(effectiveRule(own, undefined)).toBe(own)
    expect(effectiveRule(undefined, saved)).toBe(saved)
    expect(effectiveRule(undefined, undefined)).toBeUndefined()
  })

  it('wins field by field; what it leaves out comes from the saved rule (a --resolve alone keeps the saved pins)', () => {
    const own = rule({ pattern: 'a.test', port: 443, addresses: ['127.0.0.2'] })
    const saved = rule({ pattern: 'a.test', addresses: ['127.0.0.9'], sni: 'x.test', pins: [PIN_A], pinMode: 'report' })
    expect(effectiveRule(own, saved)).toEqual({
      pattern: 'a.test',
      port: 443,
      addresses: ['127.0.0.2'],
      sni: 'x.test',
      pins: [PIN_A],
      pinMode: 'report',
      trust: 'ca',
    })
  })

  it('keeps every field of the saved rule that the download leaves out, including fields added later', () => {
    // A saved rule with every optional field set: a download's rule that names only the host must not lose any
    // of them, whatever fields the schema grows (publisher keys, CT, proxies, credentials…).
    const saved = rule({
      pattern: 'a.test',
      addresses: ['127.0.0.9'],
      sni: 'x.test',
      hostHeader: 'h.test',
      pins: [PIN_A],
      pinMode: 'report',
      trust: 'pin',
      ca: '-----BEGIN CERTIFICATE-----',
      dns: { mode: 'doh', dohUrl: 'https://127.0.0.1/dns-query' },
      pinNotes: [{ pin: PIN_A, label: 'current' }],
      ct: 'enforce',
      ctPolicy: 'chrome',
      publisherKeys: ['RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3'],
      proxy: 'direct',
    })
    const unset = Object.keys(HostRule.shape).filter((k) => !(k in saved) && k !== 'port')
    expect(unset).toEqual([])
    expect(effectiveRule(rule({ pattern: 'a.test', port: 8443 }), saved)).toEqual({ ...saved, port: 8443 })
  })

  it("takes pins, pin mode and trust together from whichever rule has pins, the download's first", () => {
    const own = rule({ pattern: 'a.test', pins: [PIN_B], trust: 'pin' })
    const saved = rule({ pattern: 'a.test', pins: [PIN_A], pinMode: 'report' })
    expect(effectiveRule(own, saved)).toMatchObject({ pins: [PIN_B], pinMode: 'enforce', trust: 'pin' })
  })

  it('decides the target: the profile reaches hosts the saved rules do not know, and beats them where both do', () => {
    const saved = [rule({ pattern: '*.test', pins: [PIN_A] })]
    const profile = { rules: [rule({ pattern: 'a.test', addresses: ['127.0.0.2'] })] }
    const a = targetFor(new URL('https://a.test/f'), saved, profile)
    expect(a.rule).toMatchObject({ addresses: ['127.0.0.2'], pins: [PIN_A] })
    const b = targetFor(new URL('https://b.test/f'), saved, profile)
    expect(b.rule).toEqual(findRule(saved, 'b.test', 443))
    expect(targetFor(new URL('https://a.test/f'), saved).rule).toEqual(saved[0])
  })

  it('is stored as JSON and read back; one this version cannot read is an error, never ignored', () => {
    const profile = { rules: [rule({ pattern: 'a.test', pins: [PIN_A] })], ca: ['-----BEGIN CERTIFICATE-----'] }
    expect(parseProfile(serializeProfile(profile))).toEqual(profile)
    expect(serializeProfile({ rules: [] })).toBeNull()
    expect(parseProfile(null)).toBeUndefined()
    expect(() => parseProfile('{"rules":[{"pattern":5}]}')).toThrow(/cannot read/)
    expect(() => parseProfile('not json')).toThrow(/cannot read/)
  })
})

describe('reading a stored profile', () => {
  it('parses one stored text once: a thousand downloads sharing it get one frozen object, which no caller can change', () => {
    const stored = serializeProfile({ rules: [rule({ pattern: 'a.test', addresses: ['127.0.0.2'], pins: [PIN_A] })] })
    const first = parseProfile(stored)
    expect(parseProfile(stored)).toBe(first)
    expect(Object.isFrozen(first)).toBe(true)
    expect(Object.isFrozen(first?.rules)).toBe(true)
    expect(Object.isFrozen(first?.rules[0]?.pins)).toBe(true)
    expect(() => first?.rules.push(rule({ pattern: 'b.test' }))).toThrow(TypeError)
    // A different text is its own profile, and a bad one still fails every time it is read.
    expect(parseProfile(serializeProfile({ rules: [rule({ pattern: 'b.test' })] }))?.rules[0]?.pattern).toBe('b.test')
    expect(() => parseProfile('{"rules":[{"pattern":5}]}')).toThrow(/cannot read/)
    expect(() => parseProfile('{"rules":[{"pattern":5}]}')).toThrow(/cannot read/)
  })

  it('keeps a bounded number of profiles: many distinct ones are all read correctly', () => {
    for (let i = 0; i < 300; i++) {
      const stored = serializeProfile({ rules: [rule({ pattern: `h${i}.test`, addresses: ['127.0.0.2'] })] })
      expect(parseProfile(stored)?.rules[0]?.pattern).toBe(`h${i}.test`)
    }
  })
})

describe('spreading over nodes travels with the download', () => {
  it('is stored even with no rule, read back, and kept on a resume that does not repeat it', () => {
    const stored = serializeProfile({ rules: [], nodesSpread: 3 })
    expect(stored).not.toBeNull()
    expect(parseProfile(stored)).toEqual({ rules: [], nodesSpread: 3 })
    expect(withRun({ rules: [] }, { rules: [], nodesSpread: 3 })?.nodesSpread).toBe(3)
    expect(withRun({ rules: [], nodesSpread: 2 }, { rules: [], nodesSpread: 3 })?.nodesSpread).toBe(2)
  })

  it('a count outside 2-16 is refused', () => {
    expect(() => parseProfile(JSON.stringify({ rules: [], nodesSpread: 1 }))).toThrow()
    expect(() => parseProfile(JSON.stringify({ rules: [], nodesSpread: 17 }))).toThrow()
  })
})
