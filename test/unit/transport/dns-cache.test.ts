import * as packet from 'dns-packet'
import { describe, expect, it } from 'vitest'

import { DnsCache } from '../../../electron/transport/doh/dns-cache.ts'
import { decodeAnswer, encodeQuery, type DnsAnswer } from '../../../electron/transport/doh/dns-message.ts'

const answer = (ttl: number, address = '192.0.2.1'): DnsAnswer => ({
  addresses: [{ address, family: 4, ttl }],
  cnames: [],
  ttl,
})

describe('DnsCache', () => {
  it('keeps an answer for its TTL, raised to the minimum and lowered to the maximum', () => {
    let now = 0
    const cache = new DnsCache({ minTtl: 10, maxTtl: 100, now: () => now })
    cache.put('s', 'zero.test', 'A', answer(0))
    cache.put('s', 'long.test', 'A', answer(86_400))
    now = 9_999
    expect(cache.get('s', 'zero.test', 'A')).toBeDefined()
    now = 10_000
    expect(cache.get('s', 'zero.test', 'A')).toBeUndefined()
    now = 99_999
    expect(cache.get('s', 'LONG.test', 'A')).toBeDefined()
    now = 100_000
    expect(cache.get('s', 'long.test', 'A')).toBeUndefined()
  })

  it('keeps answers apart by server, name and type, in bounded memory', () => {
    const cache = new DnsCache({ maxEntries: 2 })
    cache.put('one', 'a.test', 'A', answer(60, '192.0.2.1'))
    expect(cache.get('two', 'a.test', 'A')).toBeUndefined()
    expect(cache.get('one', 'a.test', 'AAAA')).toBeUndefined()
    cache.put('one', 'b.test', 'A', answer(60))
    cache.put('one', 'c.test', 'A', answer(60))
    expect(cache.size).toBe(2)
    expect(cache.get('one', 'a.test', 'A')).toBeUndefined()
  })
})

describe('DoH messages', () => {
  const respond = (answers: packet.Answer[], name = 'a.test') =>
    packet.encode({
      type: 'response',
      id: 0,
      flags: packet.RECURSION_DESIRED | packet.RECURSION_AVAILABLE,
      questions: [{ type: 'A', name, class: 'IN' }],
      answers,
    })

  it('asks with ID 0 and recursion desired, as RFC 8484 asks', () => {
    const q = packet.decode(encodeQuery('Files.Example.', 'AAAA'))
    expect(q).toMatchObject({ id: 0, type: 'query', questions: [{ name: 'files.example', type: 'AAAA' }] })
    expect((q.flags ?? 0) & packet.RECURSION_DESIRED).toBeTruthy()
  })

  it('follows a CNAME chain to its addresses, taking the smallest TTL', () => {
    const got = decodeAnswer(
      respond([
        { type: 'CNAME', name: 'a.test', ttl: 300, class: 'IN', data: 'b.test' },
        { type: 'CNAME', name: 'b.test', ttl: 30, class: 'IN', data: 'c.test' },
        { type: 'A', name: 'c.test', ttl: 120, class: 'IN', data: '192.0.2.7' },
        { type: 'A', name: 'elsewhere.test', ttl: 1, class: 'IN', data: '192.0.2.66' },
      ]),
      'a.test',
      'A',
      'https://dns.test/dns-query',
    )
    expect(got).toEqual({
      addresses: [{ address: '192.0.2.7', family: 4, ttl: 120 }],
      cnames: ['b.test', 'c.test'],
      ttl: 30,
    })
  })

  it('hands back a CNAME whose target it was not given, and refuses a loop', () => {
    const pending = decodeAnswer(
      respond([{ type: 'CNAME', name: 'a.test', ttl: 60, class: 'IN', data: 'b.test' }]),
      'a.test',
      'A',
      's',
    )
    expect(pending.pending).toBe('b.test')
    expect(() =>
      decodeAnswer(
        respond([
          { type: 'CNAME', name: 'a.test', ttl: 60, class: 'IN', data: 'b.test' },
          { type: 'CNAME', name: 'b.test', ttl: 60, class: 'IN', data: 'a.test' },
        ]),
        'a.test',
        'A',
        's',
      ),
    ).toThrow(/CNAME loop/)
  })
})
