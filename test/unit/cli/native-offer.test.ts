import { describe, expect, it } from 'vitest'

import { controlOfferFor } from '../../../electron/cli/native-offer.ts'

describe('controlOfferFor (the extension offer as control:offer)', () => {
  it('sends the links one per line, the page without its fragment, and only cookies the links would get', () => {
    const cookie = (name: string, domain: string, secure = false) => ({ name, value: 'v', domain, path: '/', secure })
    const input = controlOfferFor({
      type: 'offer',
      links: ['https://a.test/1.iso', 'http://b.test/2.iso', 'mailto:x@y.z', 'https://a.test/1.iso'],
      referrer: 'https://user:pw@a.test/page.html#downloads',
      cookies: [
        cookie('sa', 'a.test'),
        cookie('sb', '.b.test', true),
        cookie('sc', 'c.test'),
        cookie('sub', '.a.test'),
      ],
    })
    expect(input).toEqual({
      text: 'https://a.test/1.iso\nhttp://b.test/2.iso\nmailto:x@y.z\nhttps://a.test/1.iso',
      kind: 'uri-list',
      referrer: 'https://a.test/page.html',
      cookies: [
        { name: 'sa', value: 'v', domain: 'a.test', subdomains: false, path: '/', secure: false },
        { name: 'sub', value: 'v', domain: 'a.test', subdomains: true, path: '/', secure: false },
      ],
    })
  })

  it('leaves out a referrer that is not a web page', () => {
    expect(controlOfferFor({ type: 'offer', links: ['https://a.test/1'], referrer: 'file:///x' })).toEqual({
      text: 'https://a.test/1',
      kind: 'uri-list',
    })
  })
})
