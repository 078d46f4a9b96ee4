import { describe, expect, it } from 'vitest'

import { describeOfferSource } from '../../../renderer/offer-source.ts'

describe('describeOfferSource', () => {
  it('names the page and counts the cookies that go with the downloads', () => {
    expect(describeOfferSource({ page: 'example.com', cookies: 3 })).toBe(
      'From a page on example.com in your browser: the downloads carry the page as their Referer, and 3 cookies the browser holds for these sites.',
    )
    expect(describeOfferSource({ page: 'example.com', cookies: 1 })).toContain('and 1 cookie the browser holds for')
    expect(describeOfferSource({ page: 'example.com', cookies: 0 })).toContain('Referer, and no cookies.')
  })

  it('says so when the page gave no address', () => {
    expect(describeOfferSource({ cookies: 2 })).toBe(
      'From your browser: the downloads carry 2 cookies the browser holds for these sites.',
    )
    expect(describeOfferSource({ cookies: 0 })).toBe('From your browser, with no cookies.')
  })
})
