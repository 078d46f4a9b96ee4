import { describe, expect, it } from 'vitest'

import type { ConnectionInfo } from '../../../shared/connection.ts'
import type { HostRule } from '../../../shared/domain.ts'
import { groupConnections, groupSummary, pinWords, verdictOf } from '../../../renderer/connection-trust.ts'
import { ruleWithPin } from '../../../renderer/pin-refused-key.ts'

const tls = (extra: Partial<ConnectionInfo> = {}): ConnectionInfo => ({
  url: 'https://a.test/x',
  host: 'a.test',
  address: '127.0.0.1',
  port: 443,
  servername: 'a.test',
  hostHeader: 'a.test',
  protocol: 'TLSv1.3',
  cipher: 'TLS_AES_128_GCM_SHA256',
  alpn: 'http/1.1',
  chain: [],
  verified: true,
  trust: 'ca',
  connectMs: 1,
  handshakeMs: 2,
  attempts: [],
  at: '2030-01-01T00:00:00.000Z',
  ...extra,
})

describe('what a connection means, in words and one tone', () => {
  it('green for verified, and for verified with a matching pin', () => {
    expect(verdictOf(tls())).toMatchObject({ tone: 'ok', label: 'Verified' })
    expect(verdictOf(tls({ pinned: true, pinMode: 'enforce' }))).toMatchObject({
      tone: 'ok',
      label: 'Verified, pin matched',
    })
  })

  it('green, never "not verified", for a self-signed server accepted by its pinned key', () => {
    const c = tls({ verified: false, verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT', pinned: true, trust: 'pin' })
    expect(verdictOf(c)).toEqual({
      tone: 'ok',
      label: 'Trusted by pinned key (self-signed)',
      short: 'trusted by pinned key',
    })
    expect(pinWords(c)).toEqual({ tone: 'ok', text: 'yes, matched' })
  })

  it('neutral for plain HTTP, amber for a report-mode mismatch, red only for a refusal', () => {
    const plain = tls({ protocol: null, cipher: null, alpn: null, servername: null, verified: false })
    expect(verdictOf(plain)).toMatchObject({ tone: 'neutral', label: 'Not encrypted (plain HTTP)' })
    const report = tls({ pinned: false, pinMode: 'report' })
    expect(verdictOf(report).tone).toBe('warn')
    expect(pinWords(report).tone).toBe('warn')
    const refused = tls({ pinned: false, pinMode: 'enforce', refused: { code: 'PIN_MISMATCH', message: 'm' } })
    expect(verdictOf(refused)).toMatchObject({ tone: 'bad', label: 'Refused: pin mismatch' })
    expect(pinWords(refused)).toEqual({ tone: 'bad', text: 'no: mismatch' })
  })

  it('groups alike connections in order of first appearance, and sums them up', () => {
    const groups = groupConnections([
      tls({ pinned: true }),
      tls({ pinned: true, address: '::1' }),
      tls({ pinned: true }),
      tls({ pinned: false, refused: { code: 'PIN_MISMATCH', message: 'm' } }),
      tls({ pinned: true }),
    ])
    expect(groups.map((g) => [groupSummary(g), g.verdict.tone])).toEqual([
      ['3 connections to 127.0.0.1 (SNI a.test), TLS 1.3, pin matched', 'ok'],
      ['1 connection to ::1 (SNI a.test), TLS 1.3, pin matched', 'ok'],
      ['1 connection to 127.0.0.1 (SNI a.test), TLS 1.3, refused: pin mismatch', 'bad'],
    ])
    const plain = tls({ protocol: null, servername: null, verified: false })
    expect(groupSummary(groupConnections([plain, plain])[0]!)).toBe('2 connections to 127.0.0.1, not encrypted')
  })
})

describe('the rule that pins a refused key', () => {
  const saved = (extra: Partial<HostRule> = {}): HostRule => ({
    pattern: 'a.test',
    addresses: ['127.0.0.1'],
    pins: ['old'],
    pinMode: 'enforce',
    trust: 'ca',
    ...extra,
  })

  it("adds the key beside the saved rule's pins for a pin mismatch, keeping the rest of the rule", () => {
    const refused = tls({ pinned: false, refused: { code: 'PIN_MISMATCH', message: 'm' } })
    expect(ruleWithPin([saved({ sni: 'b.test' })], refused, 'new')).toEqual(
      saved({ sni: 'b.test', pins: ['old', 'new'] }),
    )
    expect(ruleWithPin([saved({ pins: ['new'] })], refused, 'new')).toEqual(saved({ pins: ['new'] }))
  })

  it('trusts an untrusted server by that key, in a new rule for its host and port when none is saved', () => {
    const refused = tls({ verified: false, refused: { code: 'TLS_UNTRUSTED', message: 'm' } })
    expect(ruleWithPin([], refused, 'key')).toEqual({ pattern: 'a.test', port: 443, pins: ['key'], trust: 'pin' })
    expect(ruleWithPin([saved({ port: 8443 }), saved()], refused, 'key')).toEqual(
      saved({ pins: ['old', 'key'], trust: 'pin' }),
    )
  })
})
