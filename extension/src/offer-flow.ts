import { api } from './api.ts'
import { cookiesFor } from './handoff.ts'
import { HostUnreachable, refreshLink, waitingDownloads } from './native.ts'
import { loadOffers, offerText, putOffer, updateOffer, type Offer } from './offers.ts'
import { downloadUrl, siteMatches, suggestedName, type CaptureRules } from './rules.ts'
import { matchWaiting } from './waiting-match.ts'

/**
 * Whether this browser download is the file of a download waiting in Pinpoint (paused or failed, same name and
 * size); if so, the popup offers its link to finish that one, and the browser's download carries on meanwhile,
 * so nothing is lost whatever the answer. Pinpoint not answering is no match: the download goes on as usual. A
 * site on the never list is left alone here too, without even asking Pinpoint.
 */
export async function offerIfWaiting(rules: CaptureRules, item: ext.DownloadItem): Promise<boolean> {
  const name = suggestedName(item)
  const url = downloadUrl(item)
  const parsed = URL.canParse(url) ? new URL(url) : undefined
  if (!name || !(item.totalBytes > 0) || !parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    return false
  }
  if (rules.neverSites.some((s) => siteMatches(parsed.hostname, s))) return false
  let waiting
  try {
    waiting = await waitingDownloads()
  } catch {
    return false
  }
  const match = matchWaiting(waiting.transfers, { name, size: item.totalBytes })
  if (!match) return false
  const offer: Offer = {
    at: Date.now(),
    downloadId: item.id,
    url,
    ...(item.referrer ? { referrer: item.referrer } : {}),
    transferId: match.id,
    name: match.name,
    total: match.total,
    done: match.done,
    state: 'offered',
  }
  await putOffer(offer)
  await api.action.setBadgeText({ text: '↻' }).catch(() => {})
  await api.action.setTitle({ title: `Pinpoint: ${offerText(offer)}?` }).catch(() => {})
  return true
}

/**
 * The user took the offer: Pinpoint gets the link through the same check as `pinpoint refresh`. Taken, the
 * browser's copy is cancelled and erased; refused, the browser keeps its download and the offer shows why.
 */
export async function acceptOffer(downloadId: number): Promise<void> {
  const offer = (await loadOffers()).find((o) => o.downloadId === downloadId)
  if (!offer || offer.state !== 'offered') return
  await updateOffer(downloadId, { state: 'working' })
  let patch: Partial<Offer>
  try {
    // The browser's session for the new link goes with it: the server may want a fresher cookie than the one the
    // download was added with.
    const reply = await refreshLink({
      type: 'refresh',
      id: offer.transferId,
      url: offer.url,
      ...(offer.referrer ? { referrer: offer.referrer } : {}),
      cookies: await cookiesFor(offer.url),
    })
    patch = reply.ok ? { state: 'taken' } : { state: 'refused', reason: `Pinpoint refused the link: ${reply.reason}` }
  } catch (e) {
    patch = { state: 'refused', reason: e instanceof HostUnreachable ? e.message : `Refresh failed: ${String(e)}` }
  }
  if (patch.state === 'taken') {
    const [item] = await api.downloads.search({ id: downloadId }).catch(() => [])
    // A browser download that already finished is the user's file now: only one still running is taken back.
    if (item?.state === 'in_progress') {
      await api.downloads.cancel(downloadId).catch(() => {})
      await api.downloads.erase({ id: downloadId }).catch(() => {})
    }
  }
  await updateOffer(downloadId, patch)
  await api.action.setBadgeText({ text: patch.state === 'taken' ? '' : '!' }).catch(() => {})
  await api.action.setTitle({ title: patch.reason ? `Pinpoint: ${patch.reason}` : 'Pinpoint' }).catch(() => {})
}
