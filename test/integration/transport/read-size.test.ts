import { createServer, type Server } from 'node:net'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ReadRelay } from '../../../electron/transport/read-relay.ts'
import { connectTcp } from '../../../electron/transport/tcp-connect.ts'
import { waitFor } from '../../fixtures/wait-for.ts'

const TOTAL = 512 * 1024
let server: Server
let port = 0

beforeAll(async () => {
  // Each connection gets TOTAL bytes at once, then the server waits for the client to close.
  server = createServer((s) => {
    s.on('error', () => {})
    s.write(Buffer.alloc(TOTAL, 7))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as { port: number }).port
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

/** Read everything the server sends through a relay narrowed to `size` (null: whole), slowly; the read sizes. */
async function readSizes(size: number | null): Promise<number[]> {
  const relay = new ReadRelay()
  relay.readSize(size)
  const { socket } = await connectTcp({
    address: '127.0.0.1',
    port,
    host: '127.0.0.1',
    timeoutMs: 5_000,
    signal: new AbortController().signal,
    relay,
  })
  const sizes: number[] = []
  // A reader that stops after every read and resumes later, so the kernel has more than one piece ready.
  relay.attach((_buf, n) => {
    sizes.push(n)
    setTimeout(() => socket.resume(), 1)
    return false
  })
  try {
    await waitFor(() => sizes.reduce((a, b) => a + b, 0) >= TOTAL, 20_000)
  } finally {
    socket.destroy()
  }
  return sizes
}

describe('ReadRelay.readSize', () => {
  it('caps every kernel read of a plain TCP connection at the size asked for, and lifts the cap on null', async () => {
    const small = await readSizes(1024)
    expect(Math.max(...small)).toBe(1024)
    const whole = await readSizes(null)
    expect(Math.max(...whole)).toBeGreaterThan(1024)
  })
})
