import { describe, expect, it } from 'vitest'

import { createNativeDecoder, encodeNativeMessage } from '../../../electron/cli/native-framing.ts'
import { MAX_NATIVE_MESSAGE_BYTES } from '../../../shared/native-messages.ts'

describe('native messaging framing', () => {
  it('writes a 4-byte little-endian length before the JSON', () => {
    const frame = encodeNativeMessage({ type: 'hello' })
    expect(frame.readUInt32LE(0)).toBe(frame.length - 4)
    expect(frame.subarray(4).toString('utf8')).toBe('{"type":"hello"}')
  })

  it('reassembles messages split anywhere and several in one chunk', () => {
    const bytes = Buffer.concat([
      encodeNativeMessage({ type: 'hello' }),
      encodeNativeMessage({ type: 'add', url: 'https://example.org/ü' }),
    ])
    const d = createNativeDecoder()
    const got = []
    for (const b of bytes) got.push(...d.push(Buffer.from([b])))
    expect(got).toEqual([
      { ok: true, value: { type: 'hello' } },
      { ok: true, value: { type: 'add', url: 'https://example.org/ü' } },
    ])
    expect(d.pending()).toBe(0)
    const whole = createNativeDecoder().push(bytes)
    expect(whole).toHaveLength(2)
  })

  it('refuses a length over 1 MiB at once, without waiting for its body, and stops', () => {
    const d = createNativeDecoder()
    const head = Buffer.alloc(4)
    head.writeUInt32LE(MAX_NATIVE_MESSAGE_BYTES + 1, 0)
    expect(d.push(head)).toEqual([{ ok: false, reason: expect.stringMatching(/over the 1048576-byte limit/) }])
    expect(d.push(encodeNativeMessage({ type: 'hello' }))).toEqual([])
  })

  it('takes a message of exactly 1 MiB', () => {
    const filler = 'x'.repeat(MAX_NATIVE_MESSAGE_BYTES - '{"f":""}'.length)
    const frame = encodeNativeMessage({ f: filler })
    expect(frame.length).toBe(MAX_NATIVE_MESSAGE_BYTES + 4)
    expect(createNativeDecoder().push(frame)).toEqual([{ ok: true, value: { f: filler } }])
    expect(() => encodeNativeMessage({ f: `${filler}x` })).toThrow(/over the/)
  })

  it('refuses a body that is not JSON', () => {
    const body = Buffer.from('{not json')
    const head = Buffer.alloc(4)
    head.writeUInt32LE(body.length, 0)
    expect(createNativeDecoder().push(Buffer.concat([head, body]))).toEqual([
      { ok: false, reason: 'a message is not JSON' },
    ])
  })

  it('holds a truncated message as pending', () => {
    const d = createNativeDecoder()
    expect(d.push(encodeNativeMessage({ type: 'hello' }).subarray(0, 7))).toEqual([])
    expect(d.pending()).toBe(7)
  })
})
