import { describe, expect, it } from 'vitest'

import { createAppStore } from '../../../renderer/store/create-app-store.ts'

describe('offerLinks with an offer id (links from the browser extension)', () => {
  it('keeps the id with the draft, so the confirm names the offer', () => {
    const store = createAppStore()
    store.getState().offerLinks(['https://a.test/1'], 'offer-id-0123456789')
    expect(store.getState().ui.addDraft).toMatchObject({ text: 'https://a.test/1', offer: 'offer-id-0123456789' })
  })

  it('takes the newest offer into a list being edited, even when it adds no new link', () => {
    const store = createAppStore()
    store.getState().openAdd()
    store.getState().setAddText('https://a.test/1')
    store.getState().offerLinks(['https://a.test/1'], 'offer-id-aaaaaaaaaaaa')
    expect(store.getState().ui.addDraft).toMatchObject({ text: 'https://a.test/1', offer: 'offer-id-aaaaaaaaaaaa' })
    store.getState().offerLinks(['https://b.test/2'], 'offer-id-bbbbbbbbbbbb')
    expect(store.getState().ui.addDraft).toMatchObject({
      text: 'https://a.test/1\nhttps://b.test/2',
      offer: 'offer-id-bbbbbbbbbbbb',
    })
  })

  it('keeps where the newest offer came from, and forgets an older source with an offer that has none', () => {
    const store = createAppStore()
    store.getState().offerLinks(['https://a.test/1'], 'offer-id-aaaaaaaaaaaa', { page: 'a.test', cookies: 2 })
    expect(store.getState().ui.addDraft.from).toEqual({ page: 'a.test', cookies: 2 })
    store.getState().offerLinks(['https://b.test/2'], 'offer-id-bbbbbbbbbbbb', { page: 'b.test', cookies: 0 })
    expect(store.getState().ui.addDraft).toMatchObject({ offer: 'offer-id-bbbbbbbbbbbb', from: { page: 'b.test' } })
    store.getState().offerLinks(['https://c.test/3'], 'offer-id-cccccccccccc')
    expect(store.getState().ui.addDraft.from).toBeUndefined()
    // Links with no offer (a pinpoint:// link) leave the offer and its source as they were.
    store.getState().offerLinks(['https://d.test/4'])
    expect(store.getState().ui.addDraft.offer).toBe('offer-id-cccccccccccc')
  })

  it('a dialog opened afresh forgets an earlier offer', () => {
    const store = createAppStore()
    store.getState().offerLinks(['https://a.test/1'], 'offer-id-0123456789')
    store.getState().closeDialog()
    store.getState().openAdd()
    expect(store.getState().ui.addDraft.offer).toBeUndefined()
  })
})
