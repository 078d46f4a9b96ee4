import { createSocket } from 'node:dgram'
import { lookup } from 'node:dns/promises'
import { isIPv4, isIPv6, SocketAddress } from 'node:net'

/** A NAT64 prefix (RFC 6052): its first `length` bits, as 16 bytes with the rest zero. */
export interface Nat64Prefix {
  bytes: Buffer
  length: 32 | 40 | 48 | 56 | 64 | 96
}

/** The well-known IPv4 addresses of `ipv4only.arpa` (RFC 7050 §2.2). */
const WELL_KNOWN = ['192.0.0.170', '192.0.0.171']
const LENGTHS = [96, 64, 56, 48, 40, 32] as const

/**
 * Where RFC 6052 §2.2 puts the IPv4 address for each prefix length: its four bytes' offsets in the IPv6
 * address. Bits 64-71 (byte 8, the "u" octet) are always zero and never carry address bits.
 */
const OFFSETS: Record<Nat64Prefix['length'], number[]> = {
  32: [4, 5, 6, 7],
  40: [5, 6, 7, 9],
  48: [6, 7, 9, 10],
  56: [7, 9, 10, 11],
  64: [9, 10, 11, 12],
  96: [12, 13, 14, 15],
}

export function ipv6Bytes(address: string): Buffer {
  const parsed = SocketAddress.parse(`[${address}]:0`)
  if (!parsed || parsed.family !== 'ipv6') throw new TypeError(`not an IPv6 address: ${address}`)
  const out = Buffer.alloc(16)
  // Expand "::" into the zero groups it stands for, then read eight 16-bit groups.
  const [head = '', tail] = address.split('::')
  const groups = (s: string) => (s === '' ? [] : s.split(':'))
  const h = groups(head)
  const t = tail === undefined ? [] : groups(tail)
  const all = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t]
  all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2))
  return out
}

function ipv6Text(bytes: Buffer): string {
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16))
  // The canonical form (RFC 5952) is what Node prints; let it do the compression.
  return new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address
}

/**
 * The NAT64 prefix an address of `ipv4only.arpa` reveals (RFC 7050 §3): the length at which one of the
 * well-known IPv4 addresses sits where RFC 6052 embeds it. Undefined when it sits nowhere.
 */
export function prefixFrom(address: string): Nat64Prefix | undefined {
  if (!isIPv6(address)) return undefined
  const bytes = ipv6Bytes(address)
  for (const length of LENGTHS) {
    const embedded = OFFSETS[length].map((o) => bytes[o]).join('.')
    if (!WELL_KNOWN.includes(embedded)) continue
    const prefix = Buffer.alloc(16)
    bytes.copy(prefix, 0, 0, length / 8)
    return { bytes: prefix, length }
  }
  return undefined
}

/** `ipv4` as an IPv6 address under `prefix` (RFC 6052 §2.2). */
export function synthesize(prefix: Nat64Prefix, ipv4: string): string {
  if (!isIPv4(ipv4)) throw new TypeError(`not an IPv4 address: ${ipv4}`)
  const bytes = Buffer.from(prefix.bytes)
  const octets = ipv4.split('.').map(Number)
  OFFSETS[prefix.length].forEach((o, i) => (bytes[o] = octets[i] ?? 0))
  return ipv6Text(bytes)
}

export function prefixText(prefix: Nat64Prefix): string {
  return `${ipv6Text(prefix.bytes)}/${prefix.length}`
}

/**
 * Whether this machine has a route to `ipv4`: a connected UDP socket asks the kernel for one and sends nothing.
 * On an IPv6-only network the answer is ENETUNREACH.
 */
export function hasRoute(ipv4: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4')
    const done = (ok: boolean) => {
      socket.close()
      resolve(ok)
    }
    socket.once('error', () => done(false))
    // The connect callback gets the error (ENETUNREACH) rather than an 'error' event.
    socket.connect(9, ipv4, (err?: Error) => done(!err))
  })
}

export interface Nat64 {
  /** The address to connect to for `address`: itself, or its synthesis when it is IPv4 with no route to it. */
  map(address: string): Promise<{ address: string; from?: string; prefix?: string }>
}

export interface Nat64Options {
  /** Resolves `ipv4only.arpa` to its IPv6 addresses (the system resolver, which DNS64 answers). */
  lookup6?: (name: string) => Promise<string[]>
  routeTo?: (ipv4: string) => Promise<boolean>
  now?: () => number
}

/** How long a discovered prefix (or its absence) and a route check are trusted before asking again. */
const PREFIX_TTL_MS = 10 * 60_000
const NO_PREFIX_TTL_MS = 60_000
const ROUTE_TTL_MS = 30_000

const systemLookup6 = async (name: string): Promise<string[]> =>
  (await lookup(name, { all: true, family: 6 })).map((a) => a.address)

/**
 * IPv4 addresses on an IPv6-only network: an address with no IPv4 route is synthesized into IPv6 under the
 * network's NAT64 prefix, discovered from `ipv4only.arpa` (RFC 7050). With a route (the usual case) or without
 * a prefix, an address is used as it is, and the connection fails or succeeds as it would have.
 */
export function createNat64(opts: Nat64Options = {}): Nat64 {
  const lookup6 = opts.lookup6 ?? systemLookup6
  const routeTo = opts.routeTo ?? hasRoute
  const now = opts.now ?? Date.now
  let prefix: { value: Nat64Prefix | undefined; until: number } | undefined
  const routes = new Map<string, { ok: boolean; until: number }>()

  async function discover(): Promise<Nat64Prefix | undefined> {
    if (prefix && prefix.until > now()) return prefix.value
    const addresses = await lookup6('ipv4only.arpa').catch(() => [])
    const value = addresses.map(prefixFrom).find((p) => p !== undefined)
    prefix = { value, until: now() + (value ? PREFIX_TTL_MS : NO_PREFIX_TTL_MS) }
    return value
  }

  async function routed(ipv4: string): Promise<boolean> {
    const hit = routes.get(ipv4)
    if (hit && hit.until > now()) return hit.ok
    const ok = await routeTo(ipv4)
    if (routes.size > 256) routes.clear()
    routes.set(ipv4, { ok, until: now() + ROUTE_TTL_MS })
    return ok
  }

  return {
    async map(address) {
      if (!isIPv4(address) || (await routed(address))) return { address }
      const p = await discover()
      if (!p) return { address }
      return { address: synthesize(p, address), from: address, prefix: prefixText(p) }
    },
  }
}
