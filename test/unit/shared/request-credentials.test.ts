import { describe, expect, it } from 'vitest'

import { cookieHeader, cookiesFor, parseCookieString, parseNetscapeCookies } from '../../../shared/cookies.ts'
import { isSecretHeader, parseHeaderFlag } from '../../../shared/extra-headers.ts'
import { credentialState, describeCredentialState } from '../../../shared/transfer-secrets.ts'
import { describeChallenges, parseChallenges } from '../../../shared/www-authenticate.ts'
import { headersFor, requestExtras } from '../../../electron/engine/request-extras.ts'
import { parseProfile, serializeProfile, withRun } from '../../../shared/profile.ts'

describe('WWW-Authenticate', () => {
  it('reads several challenges with quoted realms holding commas and escapes', () => {
    const c = parseChallenges('Basic realm="a, \\"b\\"", charset="UTF-8", Bearer realm=api, error="invalid_token"')
    expect(c).toEqual([
      { scheme: 'Basic', params: { realm: 'a, "b"', charset: 'UTF-8' } },
      { scheme: 'Bearer', params: { realm: 'api', error: 'invalid_token' } },
    ])
    expect(describeChallenges(c)).toBe('Basic realm "a, "b"" or Bearer realm "api"')
  })

  it('reads token68 challenges, bare schemes and several header lines', () => {
    expect(parseChallenges(['Negotiate abc==', 'NTLM', 'Digest realm="x", nonce="n"'])).toEqual([
      { scheme: 'Negotiate', params: { token68: 'abc==' } },
      { scheme: 'NTLM', params: {} },
      { scheme: 'Digest', params: { realm: 'x', nonce: 'n' } },
    ])
    expect(parseChallenges(undefined)).toEqual([])
    expect(parseChallenges('Basic realm="unterminated')).toEqual([{ scheme: 'Basic', params: {} }])
  })
})

describe('-H', () => {
  it("reads curl's three forms and lower-cases the name", () => {
    expect(parseHeaderFlag('X-Thing:  a b ')).toEqual({ name: 'x-thing', value: 'a b' })
    expect(parseHeaderFlag('X-Empty;')).toEqual({ name: 'x-empty', value: '' })
    expect(parseHeaderFlag('User-Agent:')).toEqual({ name: 'user-agent', value: null })
  })

  it('refuses the headers the download decides and malformed ones', () => {
    for (const h of ['Host: x', 'range: bytes=1-', 'Connection: close', 'Accept-Encoding: gzip']) {
      expect(() => parseHeaderFlag(h)).toThrow(/cannot be set/)
    }
    expect(() => parseHeaderFlag('no-colon')).toThrow(/expected/)
    expect(() => parseHeaderFlag('Bad Name: x')).toThrow()
  })

  it('treats credentials, cookies and token-like names as secret', () => {
    for (const n of ['Authorization', 'cookie', 'X-Api-Key', 'X-Auth-Token', 'private-token']) {
      expect(isSecretHeader(n)).toBe(true)
    }
    for (const n of ['accept', 'x-plain', 'referer', 'user-agent']) expect(isSecretHeader(n)).toBe(false)
  })
})

describe('cookies', () => {
  it('parses name=value lists and refuses a broken pair', () => {
    expect(parseCookieString('a=1; b="two";c=').map((c) => [c.name, c.value])).toEqual([
      ['a', '1'],
      ['b', '"two"'],
      ['c', ''],
    ])
    expect(() => parseCookieString('novalue')).toThrow(/name=value/)
    expect(() => parseCookieString('a=b c')).toThrow(/cannot hold/)
  })

  it('parses a Netscape file and matches domain, subdomains, path, secure and expiry', () => {
    const text = [
      '# Netscape HTTP Cookie File',
      '',
      ['.example.com', 'TRUE', '/', 'FALSE', '0', 'all', '1'].join('\t'),
      ['host.test', 'FALSE', '/dl', 'FALSE', '0', 'path', '2'].join('\t'),
      ['#HttpOnly_host.test', 'FALSE', '/', 'TRUE', '0', 'sec', '3'].join('\t'),
      ['host.test', 'FALSE', '/', 'FALSE', '1000', 'old', '4'].join('\t'),
    ].join('\n')
    const jar = parseNetscapeCookies(text)
    const names = (url: string) => cookiesFor(new URL(url), jar, 2_000_000).map((c) => c.name)
    expect(names('http://cdn.example.com/x')).toEqual(['all'])
    expect(names('http://example.com/x')).toEqual(['all'])
    expect(names('http://badexample.com/x')).toEqual([])
    expect(names('http://host.test/dl/file')).toEqual(['path'])
    expect(names('http://host.test/dlx')).toEqual([])
    expect(names('https://host.test/')).toEqual(['sec'])
    expect(names('http://sub.host.test/dl/f')).toEqual([])
    expect(cookieHeader(cookiesFor(new URL('https://host.test/dl/a'), jar, 0))).toBe('path=2; sec=3; old=4')
    expect(() => parseNetscapeCookies('just some text')).toThrow(/line 1/)
  })
})

describe('what a request carries', () => {
  const extras = requestExtras(
    'https://files.test',
    {
      rules: [],
      headers: [
        { name: 'x-plain', value: 'p' },
        { name: 'user-agent', value: null },
      ],
    },
    { username: 'u', password: 'p', headers: [{ name: 'x-token', value: 't' }], cookies: parseCookieString('s=1') },
  )

  it('sends everything to its own origin and only the plain headers elsewhere', () => {
    expect(headersFor(new URL('https://files.test/a'), extras, 0)).toEqual({
      set: {
        'x-plain': 'p',
        'x-token': 't',
        authorization: `Basic ${Buffer.from('u:p').toString('base64')}`,
        cookie: 's=1',
      },
      omit: ['user-agent'],
    })
    for (const other of ['https://cdn.test/a', 'http://files.test/a', 'https://files.test:8443/a']) {
      expect(headersFor(new URL(other), extras, 0)).toEqual({ set: { 'x-plain': 'p' }, omit: ['user-agent'] })
    }
  })

  it('a Bearer token wins over nothing, and the UI is told only what is set', () => {
    const bearer = requestExtras('https://a.test', undefined, { bearer: 'tok' })
    expect(headersFor(new URL('https://a.test/'), bearer, 0).set).toEqual({ authorization: 'Bearer tok' })
    const state = credentialState({
      username: 'alice',
      password: 'pw',
      bearer: 'tok',
      cookies: parseCookieString('a=1; b=2'),
    })
    expect(JSON.stringify(state)).not.toMatch(/pw|tok/)
    // Headers and cookies have a line of their own beside this one: this one names the login only.
    expect(describeCredentialState(state)).toBe('Basic, user alice; Bearer token set')
    expect(describeCredentialState(credentialState({}))).toBe('no credentials')
    const extrasOnly = credentialState({
      headers: [{ name: 'x-api-key', value: 'k' }],
      cookies: parseCookieString('a=1'),
    })
    expect(describeCredentialState(extrasOnly)).toBe('no user name or token')
  })
})

describe('plain headers in the connection profile', () => {
  it('are stored with the download, and headers given again replace the stored ones', () => {
    const stored = {
      rules: [],
      headers: [
        { name: 'x-plain', value: 'a' },
        { name: 'user-agent', value: null },
      ],
    }
    const text = serializeProfile(stored)
    expect(text).not.toBeNull()
    expect(parseProfile(text)).toEqual(stored)
    expect(withRun({ rules: [], headers: [{ name: 'referer', value: 'r' }] }, stored)?.headers).toEqual([
      { name: 'referer', value: 'r' },
    ])
    expect(withRun({ rules: [] }, stored)?.headers).toEqual(stored.headers)
    expect(() => parseProfile(JSON.stringify({ rules: [], headers: [{ name: 'bad name', value: 'x' }] }))).toThrow()
  })
})
