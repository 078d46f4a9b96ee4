import { describe, expect, it } from 'vitest'

import { linksThatFit } from '../../../extension/src/offer-size.ts'
import { MAX_NATIVE_MESSAGE_BYTES, MAX_OFFER_LINKS } from '../../../shared/native-messages.ts'

describe('linksThatFit (one offer stays inside a native message)', () => {
  it('sends a page of links whole', () => {
    const links = ['https://a.test/1', 'https://a.test/2']
    expect(linksThatFit(links)).toEqual({ sent: links, left: 0 })
  })

  it('sends the first links of a huge page, in order, and counts the rest', () => {
    const long = Array.from(
      { length: 4000 },
      (_, i) => `https://a.test/${String(i).padStart(4, '0')}/${'x'.repeat(200)}`,
    )
    const { sent, left } = linksThatFit(long)
    expect(sent).toEqual(long.slice(0, sent.length))
    expect(left).toBe(long.length - sent.length)
    expect(left).toBeGreaterThan(0)
    expect(JSON.stringify(sent).length).toBeLessThan(MAX_NATIVE_MESSAGE_BYTES / 2 + 10_000)
  })

  it(`never sends more than ${MAX_OFFER_LINKS} links`, () => {
    const many = Array.from({ length: MAX_OFFER_LINKS + 5 }, (_, i) => `http://h/${i}`)
    expect(linksThatFit(many)).toMatchObject({ left: 5 })
  })
})
