import { browserReferrer } from '../../shared/browser-referrer.ts'
import { cookiesFor, domainMatches, type Cookie } from '../../shared/cookies.ts'
import { MAX_OFFERED_URLS, type ControlOutput, type Payload } from '../../shared/ipc.ts'
import type { TransferSecrets } from '../../shared/transfer-secrets.ts'
import { parseLinks, type LinkKind } from './parse-links.ts'
import type { KeptOffer, OfferStore } from './offer-store.ts'

export interface OfferInput {
  text: string
  kind: Exclude<LinkKind, 'lines'>
  referrer?: string | undefined
  cookies?: readonly Cookie[] | undefined
}

/**
 * Show these links where the user can review them: the app's window (shown, or made when the app runs in the
 * tray) or every page open on `pinpoint serve`. False when there is none to show them in.
 */
export type ShowOffer = (offer: Payload<'links:offered'>) => boolean | Promise<boolean>

/**
 * `control:offer`: the links in `text`, found by the drop's own parser (so junk, repeats and other schemes go
 * exactly as in a drop), become an offer in the add dialog, never a download by themselves. The referrer and the
 * cookies stay in main under the offer's id; the window sees only the links.
 */
export async function offerLinks(
  input: OfferInput,
  deps: { offers: OfferStore; show: ShowOffer | undefined },
): Promise<ControlOutput<'control:offer'>> {
  const parsed = parseLinks(input.text, input.kind, () => false)
  if (parsed.urls.length === 0) {
    const why = parsed.rejected[0]
    throw new Error(
      `control:offer: no http or https link found${why ? ` (first refused: ${why.input}: ${why.reason})` : ''}`,
    )
  }
  if (deps.show === undefined) return { shown: false }
  const urls = parsed.urls.slice(0, MAX_OFFERED_URLS)
  const hosts = new Set(urls.map((u) => new URL(u).hostname.toLowerCase()))
  // A cookie without a domain would fit any host; from a browser every cookie has one, so those are dropped.
  const cookies = (input.cookies ?? []).filter(
    (c) =>
      c.domain !== undefined && [...hosts].some((h) => domainMatches(h, c.domain as string, c.subdomains === true)),
  )
  const referrer = browserReferrer(input.referrer)
  const offer = deps.offers.keep({ referrer, cookies })
  const page = referrer === undefined ? undefined : new URL(referrer).hostname
  const shown = await deps.show({ urls, offer, from: { ...(page ? { page } : {}), cookies: cookies.length } })
  return shown ? { shown: true, count: urls.length, omitted: parsed.urls.length - urls.length } : { shown: false }
}

/** A kept offer's cookies for the download of `url`: those a request to it would carry (host, path, https). */
export function offerCookies(offer: KeptOffer, url: string): TransferSecrets | undefined {
  const cookies = cookiesFor(new URL(url), offer.cookies, Date.now())
  return cookies.length === 0 ? undefined : { cookies }
}
