import { describe, expect, it } from 'vitest'

import { createOfferStore, MAX_KEPT_OFFERS, OFFER_TTL_MS } from '../../../electron/ipc/offer-store.ts'
import { OfferId } from '../../../shared/ipc.ts'

const cookie = { name: 'sid', value: 'v', domain: 'a.test', path: '/', secure: false }

describe('createOfferStore (offers kept in main until the user confirms)', () => {
  it('answers an offer by its id, a random one the contract takes', () => {
    const offers = createOfferStore()
    const a = offers.keep({ referrer: 'https://a.test/page', cookies: [cookie] })
    const b = offers.keep({ cookies: [] })
    expect(a).not.toBe(b)
    expect(OfferId.safeParse(a).success).toBe(true)
    expect(offers.get(a)).toEqual({ referrer: 'https://a.test/page', cookies: [cookie] })
    expect(offers.get(b)).toEqual({ referrer: undefined, cookies: [] })
    expect(offers.get('x'.repeat(24))).toBeUndefined()
  })

  it('forgets an offer once its time is up', () => {
    let now = 1_000_000
    const offers = createOfferStore(() => now)
    const id = offers.keep({ cookies: [cookie] })
    now += OFFER_TTL_MS
    expect(offers.get(id)).toBeDefined()
    now += 1
    expect(offers.get(id)).toBeUndefined()
  })

  it(`keeps at most ${MAX_KEPT_OFFERS}, the oldest going first`, () => {
    const offers = createOfferStore()
    const ids = Array.from({ length: MAX_KEPT_OFFERS + 2 }, () => offers.keep({ cookies: [] }))
    expect(offers.get(ids[0]!)).toBeUndefined()
    expect(offers.get(ids[1]!)).toBeUndefined()
    for (const id of ids.slice(2)) expect(offers.get(id)).toBeDefined()
  })
})
