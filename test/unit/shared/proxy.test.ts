import { describe, expect, it } from 'vitest'

import { isRetryable } from '../../../electron/engine/retry-policy.ts'
import { noProxyMatches } from '../../../shared/no-proxy.ts'
import { parseProfile, serializeProfile, withRun } from '../../../shared/profile.ts'
import { parseProxyAnswer } from '../../../shared/proxy-answer.ts'
import { proxyFromEnv } from '../../../shared/proxy-env.ts'
import { parseProxyUrl, ProxyServer, redactProxyUrl, resolveProxy } from '../../../shared/proxy.ts'

describe('parseProxyUrl', () => {
  it('reads curl -x forms, with curl default ports', () => {
    expect(parseProxyUrl('127.0.0.1:3128')).toEqual({
      ok: true,
      proxy: { scheme: 'http', host: '127.0.0.1', port: 3128 },
    })
    expect(parseProxyUrl('http://proxy')).toMatchObject({ proxy: { port: 1080 } })
    expect(parseProxyUrl('http://proxy:80')).toMatchObject({ proxy: { port: 80 } })
    expect(parseProxyUrl('HTTPS://Proxy.Example')).toMatchObject({
      proxy: { scheme: 'https', host: 'proxy.example', port: 443 },
    })
    expect(parseProxyUrl('socks5h://[::1]:1080')).toMatchObject({ proxy: { scheme: 'socks5h', host: '::1' } })
    expect(parseProxyUrl('socks5://u%3Ax:p%40ss@h:9')).toMatchObject({
      proxy: { user: 'u:x', password: 'p@ss', port: 9 },
    })
  })

  it('refuses what it cannot honour', () => {
    expect(parseProxyUrl('socks4://h')).toMatchObject({ ok: false, error: expect.stringContaining('"socks4"') })
    expect(parseProxyUrl('http://h/path')).toMatchObject({ ok: false })
    expect(parseProxyUrl('')).toMatchObject({ ok: false })
    expect(parseProxyUrl('http://h:70000')).toMatchObject({ ok: false })
  })

  it('never repeats credentials in its errors or labels', () => {
    expect(redactProxyUrl('http://user:secret@h:1')).toBe('http://h:1')
    const bad = parseProxyUrl('http://user:secret@h:1/x')
    expect(bad.ok).toBe(false)
    expect(JSON.stringify(bad)).not.toContain('secret')
  })

  it('a stored server keeps its credentials out of the URL; the fields win over URL ones', () => {
    expect(ProxyServer.safeParse({ url: 'http://u:p@h:1' }).success).toBe(false)
    expect(ProxyServer.safeParse({ url: 'http://h:1', password: 'p' }).success).toBe(false)
    expect(
      resolveProxy({ url: 'socks5://h', user: 'u', password: 'p', pins: ['sha256//' + 'A'.repeat(43) + '='] }),
    ).toEqual({
      scheme: 'socks5',
      host: 'h',
      port: 1080,
      user: 'u',
      password: 'p',
      pins: ['A'.repeat(43) + '='],
    })
  })
})

describe('noProxyMatches (curl NO_PROXY)', () => {
  it('names cover themselves and their subdomains, with or without a leading dot', () => {
    expect(noProxyMatches('example.com', 'example.com', 443)).toBe(true)
    expect(noProxyMatches('example.com', 'a.b.example.com', 443)).toBe(true)
    expect(noProxyMatches('.example.com', 'example.com', 443)).toBe(true)
    expect(noProxyMatches('example.com', 'badexample.com', 443)).toBe(false)
    expect(noProxyMatches('EXAMPLE.com.', 'www.Example.COM', 80)).toBe(true)
  })

  it('* alone matches everything; lists split on commas and spaces', () => {
    expect(noProxyMatches('*', 'anything', 1)).toBe(true)
    expect(noProxyMatches('a.test, b.test c.test', 'c.test', 1)).toBe(true)
    expect(noProxyMatches('*.x', 'y', 1)).toBe(false)
  })

  it('ports limit an entry', () => {
    expect(noProxyMatches('a.test:8443', 'a.test', 8443)).toBe(true)
    expect(noProxyMatches('a.test:8443', 'a.test', 443)).toBe(false)
    expect(noProxyMatches('[::1]:80', '[::1]', 80)).toBe(true)
  })

  it('addresses and CIDR ranges, IPv4 and IPv6; names are never resolved', () => {
    expect(noProxyMatches('10.0.0.0/8', '10.200.1.1', 80)).toBe(true)
    expect(noProxyMatches('10.0.0.0/8', '11.0.0.1', 80)).toBe(false)
    expect(noProxyMatches('192.168.1.7', '192.168.1.7', 80)).toBe(true)
    expect(noProxyMatches('::1', '[::1]', 80)).toBe(true)
    expect(noProxyMatches('fd00::/8', 'fd12:3456::1', 80)).toBe(true)
    expect(noProxyMatches('fd00::/8', 'fe80::1', 80)).toBe(false)
    expect(noProxyMatches('127.0.0.0/8', 'localhost', 80)).toBe(false)
  })
})

describe('parseProxyAnswer (PAC and resolveProxy strings)', () => {
  it('keeps the order, maps the kinds, and skips SOCKS4 and unknown entries', () => {
    expect(parseProxyAnswer('PROXY p:3128; SOCKS h:1; SOCKS5 s:1080; HTTPS t:443; DIRECT')).toEqual([
      { kind: 'proxy', scheme: 'http', url: 'http://p:3128' },
      { kind: 'proxy', scheme: 'socks5', url: 'socks5://s:1080' },
      { kind: 'proxy', scheme: 'https', url: 'https://t:443' },
      { kind: 'direct' },
    ])
  })

  it('an empty answer is DIRECT', () => {
    expect(parseProxyAnswer('')).toEqual([{ kind: 'direct' }])
    expect(parseProxyAnswer(' ; ')).toEqual([{ kind: 'direct' }])
  })
})

describe('proxyFromEnv (curl)', () => {
  const url = (s: string) => new URL(s)
  it('picks the variable for the scheme, then ALL_PROXY', () => {
    const env = { https_proxy: 'http://s:1', http_proxy: 'http://p:1', ALL_PROXY: 'socks5h://a:1' }
    expect(proxyFromEnv(env, url('https://x/'))).toEqual({ url: 'http://s:1', from: 'https_proxy' })
    expect(proxyFromEnv(env, url('http://x/'))).toEqual({ url: 'http://p:1', from: 'http_proxy' })
    expect(proxyFromEnv({ ALL_PROXY: 'socks5h://a:1' }, url('https://x/'))).toMatchObject({ from: 'ALL_PROXY' })
    expect(proxyFromEnv({ HTTPS_PROXY: ' ' }, url('https://x/'))).toBeUndefined()
  })

  it('NO_PROXY (either case) exempts hosts, with the URL port', () => {
    expect(proxyFromEnv({ https_proxy: 'p:1', NO_PROXY: 'a.test' }, url('https://www.a.test/'))).toBeUndefined()
    expect(proxyFromEnv({ https_proxy: 'p:1', no_proxy: 'a.test:8443' }, url('https://a.test/'))).toBeDefined()
    expect(proxyFromEnv({ https_proxy: 'p:1', no_proxy: 'a.test:8443' }, url('https://a.test:8443/'))).toBeUndefined()
  })
})

describe('a download profile carries its proxy', () => {
  it('round-trips through the store and keeps a stored proxy over a run without one', () => {
    const profile = {
      rules: [],
      proxy: { url: 'socks5h://127.0.0.1:1080', user: 'u', password: 'p' },
      noProxy: 'a.test',
    }
    const stored = serializeProfile(profile)
    expect(parseProfile(stored)).toEqual(profile)
    expect(withRun({ rules: [] }, profile)).toMatchObject({ proxy: profile.proxy, noProxy: 'a.test' })
    expect(withRun({ rules: [], proxy: 'direct' }, profile)).toMatchObject({ proxy: 'direct' })
  })
})

it('a proxy that refuses the credentials is not asked again with the same ones; a failing proxy is', () => {
  expect(isRetryable('PROXY_AUTH_REQUIRED')).toBe(false)
  expect(isRetryable('PROXY_FAILED')).toBe(true)
})
