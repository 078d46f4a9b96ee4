import { describe, expect, it } from 'vitest'

import { addressSource } from '../../../renderer/components/connection-info.tsx'
import type { ConnectionInfo } from '../../../shared/connection.ts'

const conn = (attempt: Partial<ConnectionInfo['attempts'][number]>): ConnectionInfo =>
  ({
    address: attempt.address ?? '127.0.0.1',
    attempts: [{ address: '127.0.0.1', port: 443, source: 'dns', startedMs: 0, outcome: 'won', ...attempt }],
  }) as ConnectionInfo

describe("where a connection's address came from, in the details", () => {
  it('names the resolver that gave it, and why the system one after DoH', () => {
    expect(addressSource(conn({ source: 'doh', server: 'https://dns.test/dns-query' }))).toBe(
      'DNS over HTTPS (https://dns.test/dns-query)',
    )
    expect(addressSource(conn({ source: 'dns-fallback', note: 'connection refused' }))).toBe(
      'the system resolver, because DoH was unreachable: connection refused',
    )
    expect(addressSource(conn({ source: 'rule' }))).toBe('the host rule')
    expect(addressSource(conn({ source: 'dns' }))).toBe('the system resolver')
  })

  it('shows both addresses of a NAT64 synthesis', () => {
    const c = conn({
      source: 'rule',
      address: '64:ff9b::c000:20a',
      nat64: { from: '192.0.2.10', prefix: '64:ff9b::/96' },
    })
    expect(addressSource(c)).toBe('the host rule; NAT64 from 192.0.2.10 via 64:ff9b::/96')
  })
})
