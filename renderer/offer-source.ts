import type { OfferSource } from '../shared/ipc.ts'

/**
 * What the add dialog says of links a browser page offered: what of the page goes with the downloads once they
 * are added (its address as the Referer, and how many of the browser's cookies for the links' sites), so nothing
 * leaves with them that the user was not told of.
 */
export function describeOfferSource(from: OfferSource): string {
  const cookies =
    from.cookies === 0
      ? 'no cookies'
      : `${from.cookies} cookie${from.cookies === 1 ? '' : 's'} the browser holds for these sites`
  if (from.page === undefined) {
    return from.cookies === 0
      ? 'From your browser, with no cookies.'
      : `From your browser: the downloads carry ${cookies}.`
  }
  return `From a page on ${from.page} in your browser: the downloads carry the page as their Referer, and ${cookies}.`
}
