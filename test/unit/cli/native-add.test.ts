import { describe, expect, it } from 'vitest'

import { controlAddFor, cookiesForUrl } from '../../../electron/cli/native-add.ts'
import { controlOfferFor } from '../../../electron/cli/native-offer.ts'
import { cookieName } from '../../../electron/serve/security.ts'
import type { BrowserCookie } from '../../../shared/native-messages.ts'

const jar: BrowserCookie[] = [
  { name: 'session', value: 's3cret', domain: 'files.example.org', path: '/', secure: false },
  { name: 'wide', value: '1', domain: '.example.org', path: '/dl', secure: false, expires: 1_900_000_000.5 },
  { name: 'other', value: 'x', domain: 'tracker.example.net', path: '/', secure: false },
  { name: 'sibling', value: 'y', domain: 'www.example.org', path: '/', secure: false },
  { name: 'tls', value: 'z', domain: 'files.example.org', path: '/', secure: true },
  { name: 'bad', value: 'a;b=c', domain: 'files.example.org', path: '/', secure: false },
]

describe('cookies from the browser', () => {
  it("keeps only those the browser itself would send to the download's host", () => {
    expect(cookiesForUrl(new URL('http://files.example.org/a.bin'), jar)).toEqual([
      { name: 'session', value: 's3cret', domain: 'files.example.org', subdomains: false, path: '/', secure: false },
      {
        name: 'wide',
        value: '1',
        domain: 'example.org',
        subdomains: true,
        path: '/dl',
        secure: false,
        expires: 1_900_000_000,
      },
    ])
  })

  it('keeps a secure cookie over https only', () => {
    const names = cookiesForUrl(new URL('https://files.example.org/a.bin'), jar).map((c) => c.name)
    expect(names).toEqual(['session', 'wide', 'tls'])
  })

  it('does not let a host-only cookie reach a subdomain', () => {
    expect(cookiesForUrl(new URL('http://sub.files.example.org/'), jar).map((c) => c.name)).toEqual(['wide'])
  })

  it("never keeps pinpoint serve's own token cookie, which the browser holds for every port of serve's host", () => {
    const onHost = (name: string, value: string): BrowserCookie => ({
      name,
      value,
      domain: '127.0.0.1',
      path: '/',
      secure: false,
    })
    const browser = [onHost('session', 's3cret'), onHost(cookieName(8080), 'serve-secret'), onHost(cookieName(1), 'x')]
    expect(cookiesForUrl(new URL('http://127.0.0.1:9000/file.bin'), browser).map((c) => c.name)).toEqual(['session'])
    const offered = controlOfferFor({ type: 'offer', links: ['http://127.0.0.1:9000/a.iso'], cookies: browser })
    expect(offered.cookies?.map((c) => c.name)).toEqual(['session'])
    expect(JSON.stringify(offered)).not.toContain('serve-secret')
  })
})

describe("an extension's add as control:add", () => {
  it('takes the name only from the suggested file name, and the referrer and user agent as headers', () => {
    const made = controlAddFor(
      {
        type: 'add',
        url: 'http://files.example.org/a.bin',
        filename: '../../etc/sub\\evil.bin',
        referrer: 'https://user:pw@files.example.org/page#frag',
        userAgent: 'Mozilla/5.0 Test',
        cookies: jar,
      },
      '/downloads',
    )
    expect(made).toEqual({
      ok: true,
      input: {
        urls: ['http://files.example.org/a.bin'],
        dir: '/downloads',
        name: 'evil.bin',
        profile: {
          rules: [],
          headers: [
            { name: 'referer', value: 'https://files.example.org/page' },
            { name: 'user-agent', value: 'Mozilla/5.0 Test' },
          ],
        },
        secrets: { cookies: expect.any(Array) },
      },
    })
  })

  it('refuses what is not an http(s) URL or a file name', () => {
    expect(controlAddFor({ type: 'add', url: 'file:///etc/passwd' }, '/d')).toMatchObject({ ok: false })
    expect(controlAddFor({ type: 'add', url: 'nope' }, '/d')).toEqual({ ok: false, reason: 'not a URL' })
    expect(controlAddFor({ type: 'add', url: 'http://a.test/', filename: 'x/..' }, '/d')).toMatchObject({
      ok: false,
    })
  })

  it('drops a user agent that would split the header, and a non-http referrer', () => {
    const made = controlAddFor(
      { type: 'add', url: 'http://a.test/f', userAgent: 'x\r\nCookie: a=b', referrer: 'javascript:alert(1)' },
      '/d',
    )
    expect(made).toEqual({ ok: true, input: { urls: ['http://a.test/f'], dir: '/d' } })
  })
})
