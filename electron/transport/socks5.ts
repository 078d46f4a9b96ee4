import { isIP } from 'node:net'
import type { Duplex } from 'node:stream'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import { proxyLabel, type ResolvedProxy } from '../../shared/proxy.ts'
import type { HandshakeReader } from './handshake-reader.ts'

/** RFC 1928 §6 reply codes, as messages name them. */
const REPLIES: Record<number, string> = {
  1: 'general SOCKS server failure',
  2: 'connection not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
}

/**
 * A SOCKS5 CONNECT (RFC 1928), with user name and password (RFC 1929) when the proxy has them. `host` goes as
 * an address when it is one, else as a name for the proxy to resolve (`socks5h`; a `socks5` proxy is only ever
 * handed addresses, resolved here). Every reply is checked byte by byte: a wrong version, an unknown method or
 * address type is an error, never a guess.
 */
export async function socks5Connect(
  socket: Duplex,
  reader: HandshakeReader,
  proxy: ResolvedProxy,
  host: string,
  port: number,
): Promise<void> {
  const label = proxyLabel(proxy)
  const fail = (what: string) => new PinpointError('PROXY_FAILED', `SOCKS5 proxy ${label} ${what}`, ctx(proxy))
  const hasCredentials = proxy.user !== undefined
  socket.write(Buffer.from(hasCredentials ? [5, 2, 0, 2] : [5, 1, 0]))
  const [version, method] = await reader.read(2)
  if (version !== 5) throw fail(`answered the greeting with version ${version}, not 5: is it a SOCKS5 proxy?`)
  if (method === 0xff || (method === 2 && !hasCredentials)) {
    throw new PinpointError(
      'PROXY_AUTH_REQUIRED',
      `SOCKS5 proxy ${label} accepts none of our authentication methods${hasCredentials ? '' : ': give its user name and password'}`,
      ctx(proxy),
    )
  }
  if (method === 2) {
    const user = Buffer.from(proxy.user ?? '', 'utf8')
    const pass = Buffer.from(proxy.password ?? '', 'utf8')
    if (user.length > 255 || pass.length > 255) throw fail('cannot take a user name or password over 255 bytes')
    socket.write(Buffer.concat([Buffer.from([1, user.length]), user, Buffer.from([pass.length]), pass]))
    const [authVersion, status] = await reader.read(2)
    if (authVersion !== 1) throw fail(`answered the password with version ${authVersion}, not 1`)
    if (status !== 0) {
      throw new PinpointError(
        'PROXY_AUTH_REQUIRED',
        `SOCKS5 proxy ${label} rejected the user name and password`,
        ctx(proxy),
      )
    }
  } else if (method !== 0) {
    throw fail(`chose authentication method ${method}, which we did not offer`)
  }

  socket.write(
    Buffer.concat([Buffer.from([5, 1, 0]), encodeAddress(host, fail), Buffer.from([port >> 8, port & 0xff])]),
  )
  const [rVersion, reply, , atyp] = await reader.read(4)
  if (rVersion !== 5) throw fail(`answered CONNECT with version ${rVersion}, not 5`)
  if (reply !== 0) {
    const name = REPLIES[reply as number] ?? `unknown reply code ${reply}`
    throw fail(`could not connect to ${host.includes(':') ? `[${host}]` : host}:${port}: ${name} (reply ${reply})`)
  }
  // The bound address is the proxy's business; read past it so the tunnel starts at the right byte.
  if (atyp === 1) await reader.read(4 + 2)
  else if (atyp === 4) await reader.read(16 + 2)
  else if (atyp === 3) await reader.read(((await reader.read(1))[0] as number) + 2)
  else throw fail(`answered CONNECT with address type ${atyp}, which RFC 1928 does not define`)
}

function encodeAddress(host: string, fail: (what: string) => Error): Buffer {
  const kind = isIP(host)
  if (kind === 4) return Buffer.from([1, ...host.split('.').map(Number)])
  if (kind === 6) return Buffer.concat([Buffer.from([4]), ipv6Bytes(host)])
  const name = Buffer.from(host, 'utf8')
  if (name.length > 255) throw fail(`cannot be asked for a name over 255 bytes`)
  return Buffer.concat([Buffer.from([3, name.length]), name])
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail] = address.split('::') as [string, string | undefined]
  const words = (s: string) => (s === '' ? [] : s.split(':'))
  const expand = (parts: string[]) =>
    parts.flatMap((p) => {
      if (!p.includes('.')) return [parseInt(p, 16)]
      const v4 = p.split('.').map(Number)
      return [((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0)]
    })
  const h = expand(words(head))
  const t = tail === undefined ? [] : expand(words(tail))
  const all = [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t]
  const out = Buffer.alloc(16)
  all.forEach((w, i) => out.writeUInt16BE(w, i * 2))
  return out
}

function ctx(proxy: ResolvedProxy) {
  return { host: proxy.host, port: proxy.port }
}
