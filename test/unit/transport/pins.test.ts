import { createHash } from 'node:crypto'

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { formatPin, parsePins } from '../../../shared/pins.ts'

const pinOf = (seed: string) => createHash('sha256').update(seed).digest('base64')

describe('parsePins', () => {
  const a = pinOf('a')
  const b = pinOf('b')

  it('reads curl syntax: sha256// pins joined by ;', () => {
    expect(parsePins(`sha256//${a};sha256//${b}`)).toEqual({ ok: true, pins: [a, b] })
  })

  it('accepts sha256/ with one slash and bare base64, and drops duplicates', () => {
    expect(parsePins(`sha256/${a}; ${b} ;sha256//${a}`)).toEqual({ ok: true, pins: [a, b] })
  })

  it('accepts any bare SHA-256 value, including one whose base64 holds "//" after letters (as an algorithm prefix would)', () => {
    const slashy = `Ab9//${'A'.repeat(38)}=`
    expect(btoa(atob(slashy))).toBe(slashy)
    expect(parsePins(slashy)).toEqual({ ok: true, pins: [slashy] })
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const bare = Buffer.from(bytes).toString('base64')
        expect(parsePins(bare)).toEqual({ ok: true, pins: [bare] })
      }),
      { numRuns: 2000 },
    )
  })

  it.each([
    ['', 'no pin given'],
    ['sha256//not-base64!', 'bad pin'],
    [`sha256//${a.slice(0, -4)}`, 'bad pin'],
    [`sha256//${createHash('sha1').update('x').digest('base64')}`, 'bad pin'],
    [`sha1//${a}`, 'only sha256'],
  ])('rejects %j with a specific reason', (text, reason) => {
    const r = parsePins(text)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error).toContain(reason)
  })

  it('rejects a non-canonical encoding of 32 bytes', () => {
    // Same decoded bytes would need the last character to carry zero low bits; "B" sets one.
    const sloppy = `${a.slice(0, 42)}${a[42] === 'A' ? 'B' : 'A'}=`
    const canonical = btoa(atob(sloppy)) === sloppy
    expect(parsePins(`sha256//${sloppy}`).ok).toBe(canonical)
  })

  it('round-trips every 32-byte value through formatPin', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const pin = Buffer.from(bytes).toString('base64')
        expect(parsePins(formatPin(pin))).toEqual({ ok: true, pins: [pin] })
      }),
    )
  })

  it('never accepts a value that does not decode to exactly 32 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), (bytes) => {
        fc.pre(bytes.length !== 32)
        expect(parsePins(Buffer.from(bytes).toString('base64')).ok).toBe(false)
      }),
    )
  })
})
