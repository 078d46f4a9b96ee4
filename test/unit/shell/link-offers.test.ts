import { describe, expect, it } from 'vitest'

import { createLinkOffers } from '../../../electron/shell/link-offers.ts'
import { events, MAX_OFFERED_URLS } from '../../../shared/ipc.ts'

function setup() {
  const sent: string[][] = []
  const offers = createLinkOffers((urls) => sent.push(urls))
  return { sent, offers }
}

describe('createLinkOffers (main holds offered links until the page can take them)', () => {
  it('holds links offered before the page has loaded, and sends them once, together, when it has', () => {
    const { sent, offers } = setup()
    offers.offer(['https://a.test/1'])
    offers.offer(['https://b.test/2', 'https://a.test/1'])
    expect(sent).toEqual([])
    offers.pageReady()
    expect(sent).toEqual([['https://a.test/1', 'https://b.test/2']])
    offers.pageReady()
    expect(sent).toHaveLength(1)
  })

  it('sends at once while the page is loaded, and holds again while it reloads', () => {
    const { sent, offers } = setup()
    offers.pageReady()
    offers.offer(['https://a.test/1'])
    expect(sent).toEqual([['https://a.test/1']])
    offers.pageGone()
    offers.offer(['https://b.test/2'])
    expect(sent).toHaveLength(1)
    offers.pageReady()
    expect(sent).toEqual([['https://a.test/1'], ['https://b.test/2']])
  })

  it('never sends an empty offer', () => {
    const { sent, offers } = setup()
    offers.offer([])
    offers.pageReady()
    offers.offer([])
    expect(sent).toEqual([])
  })

  it('holds at most MAX_OFFERED_URLS, so a flood of launches cannot grow it, and every send fits the contract', () => {
    const { sent, offers } = setup()
    for (let launch = 0; launch < 10; launch++) {
      offers.offer(Array.from({ length: MAX_OFFERED_URLS }, (_, i) => `https://h.test/${launch}/${i}`))
    }
    offers.pageReady()
    offers.offer(Array.from({ length: MAX_OFFERED_URLS * 2 }, (_, i) => `https://later.test/${i}`))
    expect(sent.map((u) => u.length)).toEqual([MAX_OFFERED_URLS, MAX_OFFERED_URLS])
    expect(sent[0]?.[0]).toBe('https://h.test/0/0')
    for (const urls of sent) expect(events['links:offered'].safeParse({ urls }).success).toBe(true)
  })

  it('drops what the contract would refuse, so a bad argument cannot stop the good ones', () => {
    const { sent, offers } = setup()
    offers.pageReady()
    offers.offer(['file:///etc/passwd', 'https://ok.test/f', `https://a.test/${'x'.repeat(9000)}`])
    expect(sent).toEqual([['https://ok.test/f']])
  })
})
