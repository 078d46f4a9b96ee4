import { describe, expect, it } from 'vitest'

import { readSummary, timeFirstByte } from '../../../electron/queue/connection-summary.ts'
import { ReadRelay } from '../../../electron/transport/read-relay.ts'
import type { Connection } from '../../../electron/transport/transport.ts'

const text = JSON.stringify({
  address: '127.0.0.1',
  port: 8443,
  servername: 'a.test',
  protocol: 'TLSv1.3',
  verified: true,
})

describe('readSummary', () => {
  it('validates a stored text once: the downloads that share it share one frozen summary', () => {
    const a = readSummary(text)
    expect(a).toEqual({ address: '127.0.0.1', port: 8443, servername: 'a.test', protocol: 'TLSv1.3', verified: true })
    expect(readSummary(text)).toBe(a)
    expect(Object.isFrozen(a)).toBe(true)
  })

  it('a text that is not a summary is null, every time', () => {
    expect(readSummary('{"address": 5}')).toBeNull()
    expect(readSummary('{"address": 5}')).toBeNull()
    expect(readSummary('not json')).toBeNull()
    expect(readSummary(null)).toBeNull()
  })
})

describe('timeFirstByte', () => {
  /** One request on a kept-alive connection: its reader attaches, then the response's reads arrive. */
  function request(relay: ReadRelay, reads: number, seen: number[]): void {
    relay.attach((_buf, n) => {
      seen.push(n)
      return true
    })
    for (let i = 0; i < reads; i++) relay.onread.callback(i + 1)
  }

  it('times the first read of each request once, and leaves a kept-alive connection as it found it', () => {
    const relay = new ReadRelay()
    const conn = { relay } as unknown as Connection
    const history: number[] = []
    const background: number[] = []
    // Both the connection history and the background-priority sampler time every request on the connection.
    for (let r = 0; r < 1000; r++) {
      timeFirstByte(conn, (ms) => history.push(ms))
      timeFirstByte(conn, (ms) => background.push(ms))
      const seen: number[] = []
      request(relay, 3, seen)
      // Every read still reaches the request's reader, in order.
      expect(seen).toEqual([1, 2, 3])
      // Nothing is left wrapped around the relay for the next request: a wrapper per request would make each
      // attach walk every earlier one, and hold them for as long as the connection lives.
      expect(Object.hasOwn(relay, 'attach')).toBe(false)
      expect(relay.attach).toBe(ReadRelay.prototype.attach)
    }
    expect(history).toHaveLength(1000)
    expect(background).toHaveLength(1000)
    expect(history.every((ms) => ms >= 0)).toBe(true)
  })

  it('a request that never reads leaves the timer armed for the next attach only', () => {
    const relay = new ReadRelay()
    const conn = { relay } as unknown as Connection
    const times: number[] = []
    timeFirstByte(conn, (ms) => times.push(ms))
    request(relay, 0, [])
    expect(times).toEqual([])
    expect(relay.attach).toBe(ReadRelay.prototype.attach)
    // The next request's reads are not the timed one's.
    request(relay, 2, [])
    expect(times).toEqual([])
  })
})
