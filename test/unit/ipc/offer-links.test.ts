import { describe, expect, it } from 'vitest'

import { offerCookies, offerLinks } from '../../../electron/ipc/offer-links.ts'
import { createOfferStore } from '../../../electron/ipc/offer-store.ts'
import type { Cookie } from '../../../shared/cookies.ts'
import type { Payload } from '../../../shared/ipc.ts'

const cookie = (c: Partial<Cookie> & Pick<Cookie, 'name'>): Cookie => ({ value: 'v', path: '/', secure: false, ...c })

describe("an offer's cookies", () => {
  it('go to a download as a request to it would carry them: host, path, https and expiry', async () => {
    const offers = createOfferStore()
    let shown: Payload<'links:offered'> | undefined
    const reply = await offerLinks(
      {
        text: 'https://a.test/pub/x.iso\nhttp://b.test/y.iso',
        kind: 'uri-list',
        referrer: 'https://user:pw@a.test/page#top',
        cookies: [
          cookie({ name: 'session', domain: 'a.test' }),
          cookie({ name: 'private', domain: 'a.test', path: '/private' }),
          cookie({ name: 'old', domain: 'a.test', expires: 1 }),
          cookie({ name: 'wide', domain: 'test', subdomains: true, secure: true }),
          cookie({ name: 'elsewhere', domain: 'c.test' }),
        ],
      },
      { offers, show: (o) => ((shown = o), true) },
    )
    expect(reply).toEqual({ shown: true, count: 2, omitted: 0 })
    const kept = offers.get(shown?.offer ?? '')
    expect(kept?.referrer).toBe('https://a.test/page')
    // Kept: what could go to one of the links' hosts; a cookie for another host never is.
    expect(kept?.cookies.map((c) => c.name)).toEqual(['session', 'private', 'old', 'wide'])
    expect(offerCookies(kept!, 'https://a.test/pub/x.iso')?.cookies?.map((c) => c.name)).toEqual(['session', 'wide'])
    // Over http the secure cookie stays back; b.test has none of its own.
    expect(offerCookies(kept!, 'http://b.test/y.iso')).toBeUndefined()
  })
})
