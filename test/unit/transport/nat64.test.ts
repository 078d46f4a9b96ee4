import { describe, expect, it } from 'vitest'

import { createNat64, prefixFrom, prefixText, synthesize } from '../../../electron/transport/nat64.ts'

// RFC 6052 §2.4's table: 192.0.2.33 under each prefix length.
const TABLE: Array<[string, string]> = [
  ['2001:db8::/32', '2001:db8:c000:221::'],
  ['2001:db8:100::/40', '2001:db8:1c0:2:21::'],
  ['2001:db8:122::/48', '2001:db8:122:c000:2:2100::'],
  ['2001:db8:122:300::/56', '2001:db8:122:3c0:0:221::'],
  ['2001:db8:122:344::/64', '2001:db8:122:344:c0:2:2100:0'],
  ['2001:db8:122:344::/96', '2001:db8:122:344::c000:221'],
  ['64:ff9b::/96', '64:ff9b::c000:221'],
]

describe('NAT64 addresses (RFC 6052, RFC 7050)', () => {
  it.each(TABLE)('under %s, 192.0.2.33 is %s, and ipv4only.arpa reveals that prefix', (prefix, expected) => {
    const [net = '', len = ''] = prefix.split('/')
    // ipv4only.arpa's address under that prefix reveals it, and 192.0.2.33 lands where the RFC says.
    const p = prefixFrom(synthesizeUnder(net, Number(len), '192.0.0.171'))
    expect(p && prefixText(p)).toBe(prefix)
    expect(p && synthesize(p, '192.0.2.33')).toBe(expected)
  })

  it('finds no prefix in an address that embeds neither well-known address', () => {
    expect(prefixFrom('2001:db8::1')).toBeUndefined()
    expect(prefixFrom('192.0.0.170')).toBeUndefined()
  })

  it('maps an IPv4 address only when there is no route to it and the network has a prefix', async () => {
    const lookups: string[] = []
    const nat64 = createNat64({
      lookup6: async (name) => (lookups.push(name), ['64:ff9b::c000:aa']),
      routeTo: async (ip) => ip.startsWith('127.'),
    })
    expect(await nat64.map('127.0.0.1')).toEqual({ address: '127.0.0.1' })
    expect(await nat64.map('::1')).toEqual({ address: '::1' })
    expect(await nat64.map('192.0.2.10')).toEqual({
      address: '64:ff9b::c000:20a',
      from: '192.0.2.10',
      prefix: '64:ff9b::/96',
    })
    await nat64.map('192.0.2.11')
    expect(lookups).toEqual(['ipv4only.arpa'])
    const none = createNat64({ lookup6: async () => [], routeTo: async () => false })
    expect(await none.map('192.0.2.10')).toEqual({ address: '192.0.2.10' })
  })
})

/** `ipv4` embedded under `net/len`, built by hand from the RFC's layout (independent of synthesize's table). */
function synthesizeUnder(net: string, len: number, ipv4: string): string {
  const groups = net
    .replace(/::$/, '')
    .split(':')
    .filter(Boolean)
    .map((g) => parseInt(g, 16))
  const bytes: number[] = []
  for (const g of groups) bytes.push(g >> 8, g & 0xff)
  while (bytes.length < 16) bytes.push(0)
  const v4 = ipv4.split('.').map(Number)
  const positions: Record<number, number[]> = {
    32: [4, 5, 6, 7],
    40: [5, 6, 7, 9],
    48: [6, 7, 9, 10],
    56: [7, 9, 10, 11],
    64: [9, 10, 11, 12],
    96: [12, 13, 14, 15],
  }
  ;(positions[len] ?? []).forEach((p, i) => (bytes[p] = v4[i] ?? 0))
  const out: string[] = []
  for (let i = 0; i < 16; i += 2) out.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16))
  return out.join(':')
}
