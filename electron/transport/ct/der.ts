/**
 * Just enough DER to take a certificate apart: read one TLV, list a constructed value's children, and encode a
 * TLV again. Every read is bounds-checked against its parent, so a malformed or hostile certificate ends in a
 * DerError naming what was wrong and where, never in an out-of-range read or a loop that does not end.
 */

export class DerError extends Error {
  override name = 'DerError'
}

/** One TLV inside a buffer: `start` is the tag byte, the value is `buf[valueStart, end)`. */
export interface Tlv {
  tag: number
  start: number
  valueStart: number
  end: number
}

/** Lengths of up to 4 GiB: more than any certificate, and still exact in a double. */
const MAX_LENGTH_BYTES = 4

/** The TLV at `offset`, which must end at or before `limit`. */
export function readTlv(buf: Uint8Array, offset: number, limit = buf.length): Tlv {
  if (offset < 0 || offset >= limit) throw new DerError(`expected a DER value at byte ${offset}, found the end`)
  const tag = buf[offset] as number
  if ((tag & 0x1f) === 0x1f) throw new DerError(`multi-byte DER tag at byte ${offset} is not supported`)
  if (offset + 1 >= limit) throw new DerError(`DER value at byte ${offset} has no length`)
  const first = buf[offset + 1] as number
  let length: number
  let valueStart: number
  if (first < 0x80) {
    length = first
    valueStart = offset + 2
  } else {
    const count = first & 0x7f
    if (count === 0) throw new DerError(`indefinite length at byte ${offset} is not DER`)
    if (count > MAX_LENGTH_BYTES) throw new DerError(`DER length at byte ${offset} is ${count} bytes long`)
    if (offset + 2 + count > limit) throw new DerError(`DER length at byte ${offset} runs past the end`)
    length = 0
    for (let i = 0; i < count; i++) length = length * 256 + (buf[offset + 2 + i] as number)
    valueStart = offset + 2 + count
  }
  const end = valueStart + length
  if (end > limit) throw new DerError(`DER value at byte ${offset} claims ${length} bytes, past the end`)
  return { tag, start: offset, valueStart, end }
}

/** The TLVs making up a constructed value, in order; they must fill it exactly. */
export function childrenOf(buf: Uint8Array, parent: Tlv): Tlv[] {
  if ((parent.tag & 0x20) === 0) throw new DerError(`DER value at byte ${parent.start} is not constructed`)
  const out: Tlv[] = []
  // Each child is at least two bytes long, so this advances on every turn and ends at parent.end.
  for (let at = parent.valueStart; at < parent.end;) {
    const child = readTlv(buf, at, parent.end)
    out.push(child)
    at = child.end
  }
  return out
}

/** The single TLV filling `buf` exactly (trailing bytes are an error). */
export function readWhole(buf: Uint8Array, what: string): Tlv {
  const tlv = readTlv(buf, 0)
  if (tlv.end !== buf.length) throw new DerError(`${what}: ${buf.length - tlv.end} bytes after the DER value`)
  return tlv
}

export function expectTag(tlv: Tlv, tag: number, what: string): Tlv {
  if (tlv.tag !== tag) {
    throw new DerError(`${what}: expected tag 0x${hex(tag)} at byte ${tlv.start}, found 0x${hex(tlv.tag)}`)
  }
  return tlv
}

export function valueOf(buf: Uint8Array, tlv: Tlv): Buffer {
  return Buffer.from(buf.buffer, buf.byteOffset + tlv.valueStart, tlv.end - tlv.valueStart)
}

export function bytesOf(buf: Uint8Array, tlv: Tlv): Buffer {
  return Buffer.from(buf.buffer, buf.byteOffset + tlv.start, tlv.end - tlv.start)
}

/** A TLV with the shortest length form, as DER requires. */
export function encodeTlv(tag: number, parts: readonly Uint8Array[]): Buffer {
  const length = parts.reduce((n, p) => n + p.length, 0)
  let header: number[]
  if (length < 0x80) header = [tag, length]
  else {
    const bytes: number[] = []
    for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256)
    header = [tag, 0x80 | bytes.length, ...bytes]
  }
  return Buffer.concat([Buffer.from(header), ...parts])
}

/** An OBJECT IDENTIFIER's value as dotted text. */
export function oidText(value: Uint8Array): string {
  if (value.length === 0) throw new DerError('empty OBJECT IDENTIFIER')
  const arcs: number[] = []
  let n = 0
  for (let i = 0; i < value.length; i++) {
    const b = value[i] as number
    n = n * 128 + (b & 0x7f)
    if (n > Number.MAX_SAFE_INTEGER / 128) throw new DerError('OBJECT IDENTIFIER arc too large')
    if ((b & 0x80) === 0) {
      arcs.push(n)
      n = 0
    } else if (i === value.length - 1) throw new DerError('truncated OBJECT IDENTIFIER')
  }
  const first = arcs.shift() as number
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80]
  return [...head, ...arcs].join('.')
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0')
}
