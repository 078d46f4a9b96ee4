import { LinksOffered, MAX_OFFERED_URLS, type OfferSource } from '../../shared/ipc.ts'

export interface LinkOffers {
  /**
   * Links from a `pinpoint://` link, a launch's arguments or `control:offer`; sent now if the page can take
   * them, else held. `id` names what main keeps of a `control:offer`, and `from` says where it came from (the
   * newest held ones are sent).
   */
  offer(urls: readonly string[], id?: string, from?: OfferSource): void
  /** The window's page has loaded (and its preload listens): send what is held. */
  pageReady(): void
  /** The page is gone or reloading: hold offers until it is ready again. */
  pageGone(): void
}

/**
 * Main's side of `links:offered`: a link clicked, or a second launch, while the window's page is not there yet
 * (the first launch, a window being created or reloaded) would be lost if sent at once, so offers wait for the
 * page. Held links are merged without repeats and capped, so a storm of launches cannot grow the hold or make an
 * offer the contract refuses; each send is checked against the contract's schema, URL by URL.
 */
export function createLinkOffers(send: (urls: string[], id?: string, from?: OfferSource) => void): LinkOffers {
  let ready = false
  const held = new Set<string>()
  let heldId: string | undefined
  let heldFrom: OfferSource | undefined

  const flush = () => {
    if (!ready || held.size === 0) return
    const urls = [...held]
    const id = heldId
    const from = heldFrom
    held.clear()
    heldId = undefined
    heldFrom = undefined
    if (id === undefined) send(urls)
    else send(urls, id, from)
  }

  return {
    offer(urls, id, from) {
      if (id !== undefined) {
        heldId = id
        heldFrom = from
      }
      for (const url of urls) {
        if (held.size >= MAX_OFFERED_URLS) break
        if (LinksOffered.safeParse({ urls: [url] }).success) held.add(url)
      }
      flush()
    },
    pageReady() {
      ready = true
      flush()
    },
    pageGone() {
      ready = false
    },
  }
}
