import { randomBytes } from 'node:crypto'

import type { Cookie } from '../../shared/cookies.ts'

/** What main keeps of a `control:offer` until the user confirms it: never sent to any window. */
export interface KeptOffer {
  /** The page the links are on, as a browser sends it in Referer. */
  referrer?: string | undefined
  /** The browser's cookies for the links' origins. */
  cookies: readonly Cookie[]
}

export interface OfferStore {
  /** Keep an offer's referrer and cookies; the id names it in `links:offered` and `transfers:add`. */
  keep(offer: KeptOffer): string
  /** The offer, while it is kept; undefined once expired, pushed out by newer ones, or never made. */
  get(id: string): KeptOffer | undefined
}

/** How long an offer's cookies wait for the user's confirm: a dialog left open over lunch, not for days. */
export const OFFER_TTL_MS = 60 * 60 * 1000
/** Offers kept at most; the oldest goes first, so offers in a loop cannot grow main's memory. */
export const MAX_KEPT_OFFERS = 32

/**
 * The secrets of links offered to the window, kept in main by a random id: the window shows the links and hands
 * the id back on confirm, so cookies reach the new downloads' sealed secrets without passing through the page.
 */
export function createOfferStore(now: () => number = Date.now): OfferStore {
  const kept = new Map<string, KeptOffer & { at: number }>()
  const prune = () => {
    for (const [id, offer] of kept) if (now() - offer.at > OFFER_TTL_MS) kept.delete(id)
    while (kept.size > MAX_KEPT_OFFERS) kept.delete(kept.keys().next().value as string)
  }
  return {
    keep(offer) {
      const id = randomBytes(18).toString('base64url')
      kept.set(id, { ...offer, at: now() })
      prune()
      return id
    },
    get(id) {
      prune()
      const offer = kept.get(id)
      return offer && { referrer: offer.referrer, cookies: offer.cookies }
    },
  }
}
