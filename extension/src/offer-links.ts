import { NOT_RUNNING_REASON } from '../../shared/native-messages.ts'
import { cookiesFor, showOutcome } from './handoff.ts'
import type { HostCookie } from './messages.ts'
import { HostUnreachable, offerLinks } from './native.ts'
import { linksThatFit } from './offer-size.ts'
import { recordHandoff, type Handoff } from './state.ts'

/** Links whose cookies are looked up: as many as the dialog lists; the rest would never be added from it. */
const COOKIE_LINKS = 64

/** The browser's cookies for these links, each once (links of one site share most of them). */
async function cookiesForAll(links: readonly string[]): Promise<HostCookie[]> {
  const all = new Map<string, HostCookie>()
  for (const url of links) {
    for (const c of await cookiesFor(url)) all.set(`${c.domain}\t${c.path}\t${c.name}`, c)
  }
  return [...all.values()]
}

/**
 * "Download all links": the page's links go to Pinpoint as ONE offer, which opens its add dialog with them listed
 * for the user to review; nothing is downloaded until the user confirms there. When no Pinpoint window or page
 * could show them, the popup and the badge say so, and nothing is added behind the user's back.
 */
export async function offerPageLinks(links: readonly string[], page: string | undefined): Promise<Handoff> {
  const label = `${links.length} link${links.length === 1 ? '' : 's'}${page ? ` from ${page}` : ''}`
  const base = { at: Date.now(), url: page ?? links[0] ?? '', filename: label, kind: 'offer' as const }
  let outcome: Handoff
  if (links.length === 0) {
    outcome = { ...base, state: 'refused', reason: 'No http or https links found here' }
  } else {
    try {
      const { sent, left } = linksThatFit(links)
      const reply = await offerLinks({
        type: 'offer',
        links: sent,
        ...(page ? { referrer: page } : {}),
        cookies: await cookiesForAll(sent.slice(0, COOKIE_LINKS)),
      })
      const omitted = reply.shown ? reply.omitted + left : 0
      outcome = reply.shown
        ? { ...base, state: 'accepted', ...(omitted > 0 ? { reason: `${omitted} more left out` } : {}) }
        : reply.reason === NOT_RUNNING_REASON
          ? { ...base, state: 'unreachable', reason: `${NOT_RUNNING_REASON}: start the app or \`pinpoint serve\`` }
          : { ...base, state: 'refused', reason: reply.reason }
    } catch (e) {
      const reason = e instanceof HostUnreachable ? e.message : `Hand-off failed: ${String(e)}`
      outcome = { ...base, state: 'unreachable', reason }
    }
  }
  await recordHandoff(outcome)
  await showOutcome(outcome)
  return outcome
}
