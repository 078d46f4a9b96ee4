import { describe, expect, it } from 'vitest'

import { createLinkOffers } from '../../../electron/shell/link-offers.ts'

describe('createLinkOffers with an offer id', () => {
  it('sends the id with the links, and the newest id when offers were held together', () => {
    const sent: Array<[string[], string | undefined]> = []
    const offers = createLinkOffers((urls, id) => sent.push([urls, id]))
    offers.offer(['https://a.test/1'], 'first-offer-id-0000')
    offers.offer(['https://b.test/2'], 'second-offer-id-000')
    offers.pageReady()
    offers.offer(['https://c.test/3'])
    expect(sent).toEqual([
      [['https://a.test/1', 'https://b.test/2'], 'second-offer-id-000'],
      [['https://c.test/3'], undefined],
    ])
  })

  it('sends where the newest held offer came from with its id', () => {
    const sent: unknown[][] = []
    const offers = createLinkOffers((...args) => sent.push(args))
    offers.offer(['https://a.test/1'], 'first-offer-id-0000', { page: 'a.test', cookies: 1 })
    offers.offer(['https://b.test/2'], 'second-offer-id-000', { page: 'b.test', cookies: 0 })
    offers.pageReady()
    expect(sent).toEqual([
      [['https://a.test/1', 'https://b.test/2'], 'second-offer-id-000', { page: 'b.test', cookies: 0 }],
    ])
  })
})
