import { describe, expect, it } from 'vitest'

import { connectSetup, parseResolve, parseUrl } from '../../../electron/cli/connect-options.ts'

const PIN = 'QbV27zbOAKY2Wxm+W3et/suekUxzDwvIsdqHo8AYUKg='

describe('--resolve', () => {
  it('reads curl syntax with several addresses, IPv6 in brackets, and a * port', () => {
    expect(parseResolve('a.test:8443:127.0.0.1,[::1]')).toEqual({
      host: 'a.test',
      port: 8443,
      addresses: ['127.0.0.1', '::1'],
    })
    expect(parseResolve('A.test:*:127.0.0.2').port).toBeUndefined()
  })
  it.each(['a.test:127.0.0.1', 'a.test:99999:127.0.0.1', 'a.test:443:example.com', 'a.test:443:'])(
    'rejects %j naming the flag',
    (text) => {
      expect(() => parseResolve(text)).toThrow(/--resolve/)
    },
  )
})

describe('connectSetup', () => {
  it('merges --sni, pins and trust into the rule for the URL host', async () => {
    const url = new URL('https://127.0.0.1:8443/f')
    const s = await connectSetup({ sni: 'a.test', pinnedpubkey: `sha256//${PIN}`, trust: 'pin' }, [url])
    expect(s.rules).toHaveLength(1)
    expect(s.rules[0]).toMatchObject({ pattern: '127.0.0.1', port: 8443, sni: 'a.test', pins: [PIN], trust: 'pin' })
  })
  it('puts the pins on the --resolve rule of the same host', async () => {
    const url = new URL('https://a.test:8443/f')
    const s = await connectSetup({ resolve: ['a.test:8443:127.0.0.1'], pinnedpubkey: PIN }, [url])
    expect(s.rules).toEqual([expect.objectContaining({ pattern: 'a.test', addresses: ['127.0.0.1'], pins: [PIN] })])
  })
  it('gives usage errors with the flag named', async () => {
    const url = new URL('https://a.test/f')
    await expect(connectSetup({ sni: 'b.test' }, [url])).rejects.toMatchObject({ code: 'BAD_INPUT' })
    await expect(connectSetup({ pinnedpubkey: 'sha256//zzz' }, [url])).rejects.toMatchObject({
      code: 'BAD_PIN',
      message: expect.stringContaining('--pinnedpubkey'),
    })
    await expect(connectSetup({ trust: 'pin' }, [url])).rejects.toMatchObject({ code: 'BAD_INPUT' })
    await expect(connectSetup({ trust: 'none' }, [url])).rejects.toMatchObject({ code: 'BAD_INPUT' })
    await expect(connectSetup({ cacert: '/nonexistent/ca.pem' }, [url])).rejects.toMatchObject({ code: 'BAD_INPUT' })
  })
})

describe('parseUrl', () => {
  it.each(['ftp://a.test/x', 'javascript:alert(1)', 'file:///etc/passwd', 'not a url'])('rejects %j', (t) => {
    expect(() => parseUrl(t)).toThrow(expect.objectContaining({ code: 'BAD_URL' }))
  })
})
