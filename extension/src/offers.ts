import { z } from 'zod'

import { api } from './api.ts'
import { percentDone } from './waiting-match.ts'

/**
 * An offer to finish a waiting Pinpoint download with a browser download's link: `offered` until the user answers,
 * `working` while Pinpoint checks the link, then `taken` (the browser's copy is cancelled) or `refused` (the
 * browser keeps its download, and `reason` says why).
 */
export type OfferState = 'offered' | 'working' | 'taken' | 'refused'

export interface Offer {
  at: number
  /** The browser's download, kept running until Pinpoint takes its link. */
  downloadId: number
  url: string
  /** The page the browser's download came from, sent with the link so Pinpoint goes on from the same page. */
  referrer?: string
  transferId: number
  /** The waiting download's own name, size and progress, as Pinpoint listed them. */
  name: string
  total: number
  done: number
  state: OfferState
  reason?: string
}

/** The popup's request to take an offer; the background does it, so closing the popup does not cut it short. */
export const AcceptOffer = z.strictObject({
  type: z.literal('accept-offer'),
  downloadId: z.number().int().nonnegative(),
})
export type AcceptOffer = z.output<typeof AcceptOffer>

/** The popup shows this many, newest first. */
export const OFFER_LIMIT = 5
const OFFERS = 'offers'

export function offerText(o: Pick<Offer, 'name' | 'done' | 'total'>): string {
  return `Use this link to finish ${o.name} (${percentDone(o)} % done)`
}

export async function loadOffers(): Promise<Offer[]> {
  const stored = (await api.storage.local.get(OFFERS))[OFFERS]
  return Array.isArray(stored) ? (stored as Offer[]) : []
}

// An offer and its answer can be written close together; chaining keeps each read-modify-write whole.
let writing: Promise<void> = Promise.resolve()

function rewrite(change: (list: Offer[]) => Offer[]): Promise<void> {
  writing = writing.then(async () => {
    await api.storage.local.set({ [OFFERS]: change(await loadOffers()).slice(0, OFFER_LIMIT) })
  })
  return writing
}

/** A new offer, first in the list; an older one for the same browser download gives way. */
export function putOffer(o: Offer): Promise<void> {
  return rewrite((list) => [o, ...list.filter((x) => x.downloadId !== o.downloadId)])
}

export function updateOffer(downloadId: number, patch: Partial<Offer>): Promise<void> {
  return rewrite((list) =>
    list.map((o) => {
      if (o.downloadId !== downloadId) return o
      const next = { ...o, ...patch }
      if (patch.state !== undefined && patch.state !== 'refused') delete next.reason
      return next
    }),
  )
}
