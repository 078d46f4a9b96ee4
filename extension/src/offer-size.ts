import { MAX_OFFER_LINKS } from '../../shared/native-messages.ts'

/**
 * Most of a page's links one offer carries, in characters: the host refuses a message over 1 MiB (cookies
 * included), and Pinpoint's dialog lists only the first 64 links anyway. Links past it are counted, not sent.
 */
const MAX_SENT_CHARS = 512 * 1024

/** The links that fit in one message, in page order, and how many did not. */
export function linksThatFit(links: readonly string[]): { sent: string[]; left: number } {
  const sent: string[] = []
  let chars = 0
  for (const url of links) {
    if (sent.length >= MAX_OFFER_LINKS || chars + url.length + 1 > MAX_SENT_CHARS) break
    chars += url.length + 1
    sent.push(url)
  }
  return { sent, left: links.length - sent.length }
}
