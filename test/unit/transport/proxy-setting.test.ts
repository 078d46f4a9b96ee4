import { describe, expect, it } from 'vitest'

import {
  answerProxy,
  envProxy,
  routesFromAnswer,
  serverFromUrl,
  settingProxy,
} from '../../../electron/transport/proxy-setting.ts'
import type { ProxySetting } from '../../../shared/proxy.ts'
import { proxyFailoverNote } from '../../../electron/queue/failover-note.ts'

const url = (s: string) => new URL(s)

describe('settingProxy', () => {
  const system = () => ({ url: 'socks5://sys:1080' })
  const server = { url: 'http://manual:3128' }

  it('none, manual (with its exemptions) and system', async () => {
    let setting: ProxySetting = { mode: 'none' }
    const lookup = settingProxy(() => setting, system)
    expect(await lookup(url('https://x.test/'))).toBeUndefined()
    setting = { mode: 'manual', server, noProxy: 'intra.test, 10.0.0.0/8' }
    expect(await lookup(url('https://x.test/'))).toEqual(server)
    expect(await lookup(url('https://a.intra.test/'))).toBeUndefined()
    expect(await lookup(url('http://10.1.2.3:8080/'))).toBeUndefined()
    setting = { mode: 'system' }
    expect(await lookup(url('https://x.test/'))).toEqual({ url: 'socks5://sys:1080' })
  })
})

describe('the system proxy', () => {
  it("Chromium's answer: the usable entries in order up to DIRECT, DIRECT first means none", async () => {
    const asked: string[] = []
    const lookup = answerProxy(async (u) => {
      asked.push(u)
      return u.includes('direct') ? 'DIRECT; PROXY p:1' : 'SOCKS q:1; HTTPS proxy.test:8443; DIRECT; PROXY late:1'
    })
    expect(await lookup(url('https://x.test/f'))).toEqual([{ url: 'https://proxy.test:8443' }, 'direct'])
    expect(await lookup(url('https://direct.test/'))).toBeUndefined()
    expect(asked).toEqual(['https://x.test/f', 'https://direct.test/'])
  })

  it('a list without DIRECT has no direct route; an entry that does not parse is skipped', () => {
    expect(routesFromAnswer('PROXY a.test:1; PROXY b.test:99999; SOCKS5 c.test:2')).toEqual([
      { url: 'http://a.test:1' },
      { url: 'socks5://c.test:2' },
    ])
    expect(routesFromAnswer('SOCKS q:1')).toBeUndefined()
  })

  it('the environment: credentials move out of the URL; a bad variable is an error naming it, not its secret', () => {
    const lookup = envProxy({ https_proxy: 'socks5h://bob:pw@127.0.0.1:1080' })
    expect(lookup(url('https://x.test/'))).toEqual({ url: 'socks5h://127.0.0.1:1080', user: 'bob', password: 'pw' })
    expect(lookup(url('http://x.test/'))).toBeUndefined()
    expect(() => envProxy({ HTTPS_PROXY: 'gopher://u:secret@h' })(url('https://x/'))).toThrow(
      /the HTTPS_PROXY variable \(gopher:\/\/h\)/,
    )
    expect(serverFromUrl('h', 'x')).toEqual({ url: 'http://h:1080' })
  })
})

describe('the log line of a proxy failover', () => {
  const base = {
    url: 'https://a.test/',
    host: 'a.test',
    address: 'a.test',
    port: 443,
    servername: 'a.test',
    hostHeader: 'a.test',
    protocol: 'TLSv1.3',
    cipher: null,
    alpn: null,
    chain: [],
    verified: true,
    trust: 'ca' as const,
    connectMs: 1,
    handshakeMs: 1,
    attempts: [],
    at: '2026-01-01T00:00:00.000Z',
  }
  const failedProxies = [
    { url: 'http://p:1', code: 'PROXY_FAILED', message: 'proxy http://p:1 refused the connection' },
  ]

  it('names the proxies that failed and what carried the connection; nothing when the first entry did', () => {
    expect(proxyFailoverNote(base)).toBeUndefined()
    expect(
      proxyFailoverNote({ ...base, failedProxies, proxy: { url: 'http://q:2', asked: 'a.test:443', mode: 'tunnel' } }),
    ).toBe('proxy http://p:1 refused the connection (PROXY_FAILED) failed; connected through proxy http://q:2')
    expect(proxyFailoverNote({ ...base, failedProxies })).toContain('connected directly')
  })
})
