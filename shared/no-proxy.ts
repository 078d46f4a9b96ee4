import { z } from 'zod'

/** 4, 6 or 0 like node's isIP, without node: the renderer checks these lists too. */
function isIP(s: string): 0 | 4 | 6 {
  if (z.ipv4().safeParse(s).success) return 4
  return z.ipv6().safeParse(s).success ? 6 : 0
}

/**
 * Whether `NO_PROXY` (or curl's `--noproxy`) exempts `host:port` from the proxy, as curl reads the list:
 *
 * - entries are separated by commas or spaces, and compared without case;
 * - `*` alone exempts every host;
 * - a name exempts itself and every name below it (`example.com` and `.example.com` both cover
 *   `example.com` and `a.example.com`, never `badexample.com`);
 * - an IP address, bracketed or not, exempts that address, and `addr/bits` a CIDR range, for URLs that name an
 *   address (names are never resolved to check them);
 * - `entry:port` limits an entry to that port.
 */
export function noProxyMatches(list: string, host: string, port: number): boolean {
  const name = host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
  for (const raw of list.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase()
    if (entry === '') continue
    if (entry === '*') return true
    const { pattern, entryPort } = splitPort(entry)
    if (entryPort !== undefined && entryPort !== port) continue
    if (matches(pattern, name)) return true
  }
  return false
}

/** `host:port`, `[v6]:port` or `a.b.c.d/n:port`; a bare IPv6 address keeps its colons. */
function splitPort(entry: string): { pattern: string; entryPort?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry)
  if (bracketed) {
    return { pattern: bracketed[1] as string, ...(bracketed[2] ? { entryPort: Number(bracketed[2]) } : {}) }
  }
  const colons = entry.split(':').length - 1
  const withPort = /^(.*):(\d+)$/.exec(entry)
  if (colons === 1 && withPort) return { pattern: withPort[1] as string, entryPort: Number(withPort[2]) }
  return { pattern: entry }
}

function matches(pattern: string, name: string): boolean {
  const slash = pattern.indexOf('/')
  if (slash !== -1) return inCidr(name, pattern.slice(0, slash), Number(pattern.slice(slash + 1)))
  if (isIP(pattern)) return isIP(name) !== 0 && sameAddress(pattern, name)
  const base = pattern.replace(/^\*?\./, '').replace(/\.$/, '')
  if (base === '') return false
  return name === base || name.endsWith(`.${base}`)
}

function sameAddress(a: string, b: string): boolean {
  const x = addressBits(a)
  const y = addressBits(b)
  return x !== undefined && y !== undefined && x.bits === y.bits && x.value === y.value
}

function inCidr(name: string, network: string, prefix: number): boolean {
  const addr = addressBits(name)
  const net = addressBits(network)
  if (!addr || !net || addr.bits !== net.bits) return false
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > net.bits) return false
  const shift = BigInt(net.bits - prefix)
  return addr.value >> shift === net.value >> shift
}

/** An address as one integer and its width; undefined for a name. */
function addressBits(text: string): { bits: number; value: bigint } | undefined {
  const kind = isIP(text)
  if (kind === 4) {
    return { bits: 32, value: text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n) }
  }
  if (kind !== 6) return undefined
  let v4tail: string[] = []
  let body = text
  const lastColon = body.lastIndexOf(':')
  if (body.slice(lastColon + 1).includes('.')) {
    const v4 = body
      .slice(lastColon + 1)
      .split('.')
      .map(Number)
    v4tail = [(((v4[0] ?? 0) << 8) | (v4[1] ?? 0)).toString(16), (((v4[2] ?? 0) << 8) | (v4[3] ?? 0)).toString(16)]
    body = body.slice(0, lastColon + 1) + '0'
    body = body.replace(/:0$/, '')
  }
  const [head, tail] = body.split('::') as [string, string | undefined]
  const h = head === '' ? [] : head.split(':')
  const t = tail === undefined ? [] : tail === '' ? [] : tail.split(':')
  const fill = 8 - v4tail.length - h.length - t.length
  const groups =
    tail === undefined ? [...h, ...v4tail] : [...h, ...Array<string>(Math.max(fill, 0)).fill('0'), ...t, ...v4tail]
  return { bits: 128, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16) || 0), 0n) }
}

/** Why a NO_PROXY list cannot be right, or '' when every entry is a name, an address, a range or `*`. */
export function noProxyProblem(list: string): string {
  for (const raw of list.split(/[\s,]+/)) {
    const entry = raw.trim()
    if (entry === '' || entry === '*') continue
    const { pattern } = splitPort(entry.toLowerCase())
    const slash = pattern.indexOf('/')
    if (slash !== -1) {
      const bits = Number(pattern.slice(slash + 1))
      const kind = isIP(pattern.slice(0, slash))
      if (kind === 0 || !Number.isInteger(bits) || bits < 0 || bits > (kind === 4 ? 32 : 128)) {
        return `“${entry}” is not an address range such as 10.0.0.0/8`
      }
    } else if (!isIP(pattern) && !/^(\*?\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/.test(pattern)) {
      return `“${entry}” is not a host name, an address or a range`
    }
  }
  return ''
}
