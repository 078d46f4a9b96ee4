import { MAX_NATIVE_MESSAGE_BYTES } from '../../shared/native-messages.ts'

/** Native messaging's frame: a 4-byte little-endian length, then that many bytes of UTF-8 JSON. */
export function encodeNativeMessage(value: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(value), 'utf8')
  if (body.length > MAX_NATIVE_MESSAGE_BYTES)
    throw new Error(`the message is ${body.length} bytes, over the ${MAX_NATIVE_MESSAGE_BYTES}-byte limit`)
  const head = Buffer.alloc(4)
  head.writeUInt32LE(body.length, 0)
  return Buffer.concat([head, body])
}

export type Frame = { ok: true; value: unknown } | { ok: false; reason: string }

/**
 * Reassembles frames from chunks as they arrive (a pipe splits and joins writes freely). A length over the
 * limit or a body that is not JSON yields one failed frame and the decoder stops: after a bad length nothing
 * that follows can be framed, so the host answers once and exits instead of waiting for bytes never sent.
 */
export function createNativeDecoder(max = MAX_NATIVE_MESSAGE_BYTES): {
  push(chunk: Buffer): Frame[]
  /** Bytes held of a frame not yet complete (at the end of input: a truncated message). */
  pending(): number
} {
  let buffered: Buffer = Buffer.alloc(0)
  let broken = false
  return {
    push(chunk) {
      if (broken) return []
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk])
      const out: Frame[] = []
      while (buffered.length >= 4) {
        const length = buffered.readUInt32LE(0)
        if (length > max) {
          broken = true
          out.push({ ok: false, reason: `a message of ${length} bytes is over the ${max}-byte limit` })
          return out
        }
        if (buffered.length < 4 + length) break
        const text = buffered.subarray(4, 4 + length).toString('utf8')
        buffered = buffered.subarray(4 + length)
        try {
          out.push({ ok: true, value: JSON.parse(text) as unknown })
        } catch {
          broken = true
          out.push({ ok: false, reason: 'a message is not JSON' })
          return out
        }
      }
      return out
    },
    pending: () => buffered.length,
  }
}
