import { describe, expect, it } from 'vitest'

import { readSummary } from '../../../electron/queue/connection-summary.ts'

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
