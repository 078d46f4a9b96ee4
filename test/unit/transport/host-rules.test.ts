import { describe, expect, it } from 'vitest'

import { HostRule, type HostRuleInput } from '../../../shared/domain.ts'
import { findRule, normalizeHost } from '../../../electron/transport/host-rules.ts'
import { targetFor } from '../../../electron/transport/target.ts'

const rule = (r: HostRuleInput) => HostRule.parse(r)

describe('normalizeHost', () => {
  it('lower-cases, drops IPv6 brackets and a trailing dot, and leaves a normal host as it is', () => {
    expect(normalizeHost('a.example.com')).toBe('a.example.com')
    expect(normalizeHost('A.Example.COM.')).toBe('a.example.com')
    expect(normalizeHost('[::1]')).toBe('::1')
    expect(normalizeHost('::1')).toBe('::1')
    expect(normalizeHost('ÄPFEL.example')).toBe('äpfel.example')
    expect(normalizeHost('*.example.com')).toBe('*.example.com')
  })
})

describe('findRule', () => {
  const exact = rule({ pattern: 'a.example.com', addresses: ['127.0.0.1'] })
  const wild = rule({ pattern: '*.example.com', addresses: ['127.0.0.2'] })
  const deeper = rule({ pattern: '*.cdn.example.com', addresses: ['127.0.0.3'] })
  const port8443 = rule({ pattern: 'a.example.com', port: 8443, addresses: ['::1'] })
  const rules = [wild, exact, deeper, port8443]

  it('prefers an exact pattern over a wildcard', () => {
    expect(findRule(rules, 'a.example.com', 443)).toBe(exact)
  })
  it('prefers a rule for this port over one for every port', () => {
    expect(findRule(rules, 'A.Example.COM.', 8443)).toBe(port8443)
  })
  it('matches the wildcard for the base name and every subdomain, longest suffix first', () => {
    expect(findRule(rules, 'example.com', 443)).toBe(wild)
    expect(findRule(rules, 'x.y.example.com', 443)).toBe(wild)
    expect(findRule(rules, 'img.cdn.example.com', 443)).toBe(deeper)
  })
  it('does not match a name that only ends with the same letters', () => {
    expect(findRule(rules, 'badexample.com', 443)).toBeUndefined()
  })
  it('matches IPv6 literals without their brackets', () => {
    const v6 = rule({ pattern: '::1', sni: 'a.test' })
    expect(findRule([v6], '[::1]', 443)).toBe(v6)
  })
})

describe('HostRule schema', () => {
  it('normalizes pins and rejects bad ones with a message', () => {
    const pin = 'QbV27zbOAKY2Wxm+W3et/suekUxzDwvIsdqHo8AYUKg='
    expect(rule({ pattern: 'a.test', pins: [`sha256//${pin}`] }).pins).toEqual([pin])
    const bad = HostRule.safeParse({ pattern: 'a.test', pins: ['sha256//nope'] })
    expect(bad.success).toBe(false)
  })
  it('requires a pin for trust "pin", and an IP for addresses', () => {
    expect(HostRule.safeParse({ pattern: 'a.test', trust: 'pin' }).success).toBe(false)
    expect(HostRule.safeParse({ pattern: 'a.test', addresses: ['a.test'] }).success).toBe(false)
  })
  it('refuses an IP as SNI (RFC 6066) and unknown keys', () => {
    expect(HostRule.safeParse({ pattern: '1.2.3.4', sni: '1.2.3.4' }).success).toBe(false)
    expect(HostRule.safeParse({ pattern: 'a.test', insecure: true }).success).toBe(false)
  })
})

describe('targetFor', () => {
  it('sends no SNI for an IP literal without an override, and checks the IP itself', () => {
    const t = targetFor(new URL('https://127.0.0.1:8443/f'), [])
    expect(t.servername).toBeUndefined()
    expect(t.logicalName).toBe('127.0.0.1')
    expect(t.hostHeader).toBe('127.0.0.1:8443')
  })
  it('uses the SNI override as the name to verify and as Host', () => {
    const t = targetFor(new URL('https://[::1]/f'), [rule({ pattern: '::1', sni: 'b.test' })])
    expect(t).toMatchObject({ host: '::1', servername: 'b.test', logicalName: 'b.test', hostHeader: 'b.test' })
  })
  it('adds the port to Host only when it is not the default', () => {
    expect(targetFor(new URL('https://a.test:443/'), []).hostHeader).toBe('a.test')
    expect(targetFor(new URL('http://a.test:8080/'), []).hostHeader).toBe('a.test:8080')
  })
  it('brackets an IPv6 literal in Host and sends it no SNI; names and IPv4 literals are left as they are', () => {
    expect(targetFor(new URL('https://[2001:db8::1]:8443/f'), [])).toMatchObject({
      host: '2001:db8::1',
      servername: undefined,
      hostHeader: '[2001:db8::1]:8443',
    })
    expect(targetFor(new URL('https://[::ffff:127.0.0.1]/f'), []).hostHeader).toBe('[::ffff:7f00:1]')
    expect(targetFor(new URL('https://10.1.2.3/f'), [])).toMatchObject({
      servername: undefined,
      hostHeader: '10.1.2.3',
    })
    // A name that is all hex digits is still a name.
    expect(targetFor(new URL('https://cafe.beef/f'), [])).toMatchObject({
      servername: 'cafe.beef',
      hostHeader: 'cafe.beef',
    })
  })
})
