import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { parseChecksum } from '../../../electron/engine/checksum.ts'
import { checkContentRange, parseContentRange } from '../../../electron/engine/content-range.ts'
import { isRetryable, parseRetryAfter, retryDelay } from '../../../electron/engine/retry-policy.ts'
import { planSegments, stealPoint } from '../../../electron/engine/segment-plan.ts'
import { parseRate } from '../../../shared/rate.ts'
import { TokenBucket } from '../../../electron/engine/token-bucket.ts'

describe('Content-Range', () => {
  it('parses bytes a-b/total and a-b/*', () => {
    expect(parseContentRange('bytes 0-99/1000')).toEqual({ start: 0, end: 99, total: 1000 })
    expect(parseContentRange('bytes 5-9/*')).toEqual({ start: 5, end: 9, total: undefined })
  })
  it.each(['bytes */1000', 'bytes 9-5/10', 'bytes 0-10/10', 'items 0-1/2', '', 'bytes 0-1/2, bytes 3-4/5'])(
    'rejects %j',
    (h) => expect(parseContentRange(h)).toBeUndefined(),
  )
  it('accepts only the exact range asked for', () => {
    expect(checkContentRange('bytes 10-19/100', { start: 10, end: 19, total: 100 }, 'h').end).toBe(19)
    for (const bad of ['bytes 11-19/100', 'bytes 10-20/100', 'bytes 10-19/101', undefined]) {
      expect(() => checkContentRange(bad, { start: 10, end: 19, total: 100 }, 'h')).toThrow(
        expect.objectContaining({ code: 'RANGE_INVALID' }),
      )
    }
  })
  it('an open request (bytes=0-) must be answered up to total-1', () => {
    expect(checkContentRange('bytes 0-99/100', { start: 0, end: undefined, total: undefined }, 'h').total).toBe(100)
    expect(() => checkContentRange('bytes 0-49/100', { start: 0, end: undefined, total: undefined }, 'h')).toThrow()
  })
})

describe('segments', () => {
  it('planSegments covers [0,total) exactly with at most n segments of at least min bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 32 }), (total, n) => {
        const segs = planSegments(total, n, 1 << 20)
        expect(segs[0]?.start).toBe(0)
        expect(segs.at(-1)?.end).toBe(total)
        for (let i = 1; i < segs.length; i++) expect(segs[i]?.start).toBe(segs[i - 1]?.end)
        expect(segs.length).toBeLessThanOrEqual(n)
        if (segs.length > 1) expect(segs.every((s) => s.end - s.start >= 1 << 20)).toBe(true)
      }),
    )
  })
  it('steals half of the largest remaining segment, and nothing below twice the minimum', () => {
    const segs = [
      { start: 0, end: 100, done: 90 },
      { start: 100, end: 300, done: 20 },
    ]
    expect(stealPoint(segs, 10)).toEqual({ segment: segs[1], at: 210 })
    expect(stealPoint(segs, 100)).toBeUndefined()
  })
})

describe('retries', () => {
  it('backs off exponentially with jitter, capped, and honours Retry-After', () => {
    const policy = { maxAttempts: 5, baseMs: 1000, maxMs: 8000 }
    expect(retryDelay(policy, 1, undefined, () => 0)).toBe(500)
    expect(retryDelay(policy, 3, undefined, () => 1)).toBe(4000)
    expect(retryDelay(policy, 10, undefined, () => 1)).toBe(8000)
    expect(retryDelay(policy, 1, 3000)).toBe(3000)
    expect(parseRetryAfter('7', 0)).toBe(7000)
    expect(parseRetryAfter(new Date(60_000).toUTCString(), 0)).toBe(60_000)
  })
  it('does not retry permanent failures', () => {
    expect(isRetryable('HTTP_STATUS', 404)).toBe(false)
    expect(isRetryable('HTTP_STATUS', 410)).toBe(false)
    expect(isRetryable('HTTP_STATUS', 503)).toBe(true)
    expect(isRetryable('PIN_MISMATCH')).toBe(false)
    expect(isRetryable('TLS_UNTRUSTED')).toBe(false)
    expect(isRetryable('CHECKSUM_MISMATCH')).toBe(false)
    expect(isRetryable('DISK_FULL')).toBe(false)
    expect(isRetryable('CONNECTION_RESET')).toBe(true)
    expect(isRetryable('IDLE_TIMEOUT')).toBe(true)
  })
  it('does not retry a name that does not exist, nor a certificate or pin failure; retries what may pass', () => {
    // One code for every DNS failure; the resolver's own code says whether asking again can help.
    expect(isRetryable('DNS_FAILED', undefined, 'ENOTFOUND')).toBe(false)
    expect(isRetryable('DNS_FAILED', undefined, 'EAI_NONAME')).toBe(false)
    expect(isRetryable('DNS_FAILED', undefined, 'EAI_AGAIN')).toBe(true)
    expect(isRetryable('DNS_FAILED')).toBe(true)
    for (const code of ['TLS_UNTRUSTED', 'TLS_NAME_MISMATCH', 'TLS_EXPIRED', 'PIN_MISMATCH'] as const) {
      expect(isRetryable(code)).toBe(false)
    }
    expect(isRetryable('CONNECT_REFUSED', undefined, 'ECONNREFUSED')).toBe(true)
    expect(isRetryable('CONNECT_TIMEOUT')).toBe(true)
  })
})

describe('rates and checksums', () => {
  it('parses curl rate units', () => {
    expect(parseRate('500K')).toBe(512_000)
    expect(parseRate('2m')).toBe(2 * 1024 * 1024)
    expect(parseRate('1000')).toBe(1000)
    expect(parseRate('fast')).toBeUndefined()
    expect(parseRate('0')).toBeUndefined()
  })
  it('a token bucket asks to wait once the burst is spent', () => {
    let t = 0
    const b = new TokenBucket(1000, () => t)
    expect(b.take(1000)).toBe(0)
    expect(b.take(500)).toBe(500)
    t = 1500
    expect(b.take(500)).toBe(0)
  })
  it('checks checksum syntax and length', () => {
    expect(parseChecksum(`SHA256=${'A'.repeat(64)}`)).toEqual({ algo: 'sha256', hex: 'a'.repeat(64) })
    expect(() => parseChecksum(`sha256=${'a'.repeat(63)}`)).toThrow(/64 hex/)
    expect(() => parseChecksum(`crc32=abcd`)).toThrow(/expected sha256/)
  })
})
