import { browserReferrer } from '../../shared/browser-referrer.ts'
import type { Cookie } from '../../shared/cookies.ts'
import type { ControlInput, ControlOutput } from '../../shared/ipc.ts'
import { NOT_RUNNING_REASON, type NativeOffer, type OfferReply } from '../../shared/native-messages.ts'
import { connectControl } from './control-client.ts'
import { cookiesForUrl } from './native-add.ts'
import { startFromBrowserAllowed, type StartPinpoint } from './native-start.ts'

/** Why an offer was not shown although Pinpoint runs: no window of the app, no page on `pinpoint serve`. */
export const NOT_SHOWN_REASON =
  'Pinpoint runs, but no window or web page of it is open to show the links: open it and try again'

/**
 * The extension's `offer` as `control:offer`: the links one per line, for the running Pinpoint's drop parser to
 * judge; the page as referrer; and of the browser's cookies only those it would send to one of the links.
 */
export function controlOfferFor(msg: NativeOffer): ControlInput<'control:offer'> {
  const cookies = new Map<string, Cookie>()
  for (const link of new Set(msg.links)) {
    const url = URL.canParse(link) ? new URL(link) : undefined
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) continue
    for (const c of cookiesForUrl(url, msg.cookies ?? [])) cookies.set(`${c.domain}\t${c.path}\t${c.name}`, c)
  }
  const referrer = browserReferrer(msg.referrer)
  return {
    text: msg.links.join('\n'),
    kind: 'uri-list',
    ...(referrer ? { referrer } : {}),
    ...(cookies.size > 0 ? { cookies: [...cookies.values()].slice(0, 1024) } : {}),
  }
}

/** Hand the links to the running Pinpoint to show (started first when the user allowed that), with its answer. */
export async function offerIn(stateDir: string, msg: NativeOffer, start: StartPinpoint): Promise<OfferReply> {
  let client = await connectControl(stateDir)
  const allowed = client ? undefined : startFromBrowserAllowed(stateDir)
  if (allowed) client = await start(stateDir, allowed.downloadDir)
  if (!client) return { type: 'offer', shown: false, reason: NOT_RUNNING_REASON }
  try {
    const reply = await client.request<ControlOutput<'control:offer'>>('control:offer', controlOfferFor(msg))
    return reply.shown
      ? { type: 'offer', shown: true, count: reply.count, omitted: reply.omitted }
      : { type: 'offer', shown: false, reason: NOT_SHOWN_REASON }
  } catch (err) {
    return { type: 'offer', shown: false, reason: (err as Error).message }
  } finally {
    client.close()
  }
}
