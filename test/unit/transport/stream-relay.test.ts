import { PassThrough } from 'node:stream'

import { describe, expect, it } from 'vitest'

import { ReadRelay } from '../../../electron/transport/read-relay.ts'
import { relayStream } from '../../../electron/transport/stream-relay.ts'

/** Let the stream emit what was written to it. */
const flush = () => new Promise((resolve) => setImmediate(resolve))

describe('relayStream', () => {
  it("hands each chunk to the reader as the stream emitted it, with no copy into the relay's buffer", async () => {
    const stream = new PassThrough()
    const relay = new ReadRelay()
    relayStream(stream, relay)
    // The bytes as the reader saw them (copied: a read is only valid during the call), and what it was given.
    const seen: Buffer[] = []
    const given: Buffer[] = []
    relay.attach((buf, n) => {
      seen.push(Buffer.from(buf.subarray(0, n)))
      given.push(buf)
      return true
    })
    // Over a proxy tunnel every decrypted byte comes this way: a second copy of each one costs CPU per GiB.
    const chunks = [Buffer.from('HTTP/1.1 200 OK\r\n'), Buffer.alloc(100 * 1024, 7)]
    for (const c of chunks) stream.write(c)
    await flush()
    expect(Buffer.concat(seen)).toEqual(Buffer.concat(chunks))
    expect(given).toHaveLength(chunks.length)
    given.forEach((buf, i) => expect(buf).toBe(chunks[i]))
  })

  it('keeps what arrives before a reader attaches, and gives it first', async () => {
    const stream = new PassThrough()
    const relay = new ReadRelay()
    relayStream(stream, relay)
    stream.write(Buffer.from('early '))
    await flush()
    stream.write(Buffer.from('late'))
    const seen: string[] = []
    const attached = new Promise<void>((resolve) => {
      relay.attach((buf, n) => {
        seen.push(buf.toString('latin1', 0, n))
        if (seen.join('') === 'early late') resolve()
        return true
      })
    })
    await attached
    expect(seen.join('')).toBe('early late')
  })

  it('pauses the stream when the reader asks to stop, and flows again once resumed', async () => {
    const stream = new PassThrough()
    const relay = new ReadRelay()
    relayStream(stream, relay)
    const seen: string[] = []
    let full = true
    relay.attach((buf, n) => {
      seen.push(buf.toString('latin1', 0, n))
      return !full
    })
    stream.write(Buffer.from('one'))
    await flush()
    expect(stream.isPaused()).toBe(true)
    stream.write(Buffer.from('two'))
    await flush()
    expect(seen).toEqual(['one'])
    full = false
    stream.resume()
    await flush()
    expect(seen).toEqual(['one', 'two'])
    expect(stream.isPaused()).toBe(false)
  })
})
