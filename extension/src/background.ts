import { api } from './api.ts'
import { collectLinks } from './collect-links.ts'
import { dropBrowserCopy } from './drop-browser-copy.ts'
import { handOff } from './handoff.ts'
import { holdWhileHandingOff } from './hold-download.ts'
import { offerPageLinks } from './offer-links.ts'
import { acceptOffer, offerIfWaiting } from './offer-flow.ts'
import { AcceptOffer } from './offers.ts'
import { decideCapture, downloadUrl, suggestedName } from './rules.ts'
import { loadRules } from './state.ts'

const MENU_LINK = 'pinpoint-link'
const MENU_ALL = 'pinpoint-all'

function createMenus(): void {
  void api.contextMenus.removeAll().then(() => {
    api.contextMenus.create({ id: MENU_LINK, title: 'Download with Pinpoint', contexts: ['link'] })
    api.contextMenus.create({
      id: MENU_ALL,
      title: 'Download all links with Pinpoint',
      contexts: ['selection', 'page'],
    })
  })
}
api.runtime.onInstalled.addListener(createMenus)
api.runtime.onStartup.addListener(createMenus)

/** Hand-offs still waiting for Pinpoint's answer, by the browser's download id. */
const pending = new Map<number, Promise<void>>()

api.downloads.onCreated.addListener((item) => {
  const handling = (async () => {
    if (item.byExtensionId === api.runtime.id) return
    const rules = await loadRules()
    // A link that can finish a download Pinpoint already holds part of is offered for that, not added anew.
    if (rules.enabled && (await offerIfWaiting(rules, item))) return
    const decision = decideCapture(rules, item)
    if (!decision.capture) return
    const url = downloadUrl(item)
    const name = suggestedName(item)
    const outcome = await handOff({
      url,
      ...(item.referrer ? { referrer: item.referrer } : {}),
      ...(name ? { filename: name } : {}),
      ...(item.mime ? { mime: item.mime } : {}),
      size: item.totalBytes,
    })
    // Only now, with Pinpoint holding the download, may the browser's copy go; otherwise it carries on untouched.
    if (outcome.state === 'accepted') await dropBrowserCopy(api.downloads, item.id)
  })().catch(() => {})
  pending.set(item.id, handling)
  void handling.then(() => pending.delete(item.id))
})

api.downloads.onDeterminingFilename?.addListener(holdWhileHandingOff(pending))

api.contextMenus.onClicked.addListener((info, tab) => {
  void (async () => {
    const referrer = info.frameUrl ?? info.pageUrl
    if (info.menuItemId === MENU_LINK && info.linkUrl) {
      await handOff({ url: info.linkUrl, ...(referrer ? { referrer } : {}) })
      return
    }
    if (info.menuItemId !== MENU_ALL || tab?.id === undefined) return
    const results = await api.scripting.executeScript({
      target: { tabId: tab.id },
      func: collectLinks,
      args: [info.selectionText !== undefined && info.selectionText !== ''],
    })
    const links = [...new Set(results.flatMap((r) => r.result ?? []))]
    // One offer for the lot: Pinpoint lists them in its add dialog and adds only what the user confirms.
    await offerPageLinks(links, info.pageUrl)
  })()
})

api.runtime.onMessage.addListener((message, _sender, sendResponse) => {
  const parsed = AcceptOffer.safeParse(message)
  if (!parsed.success) return false
  void acceptOffer(parsed.data.downloadId).then(
    () => sendResponse({ done: true }),
    (e: unknown) => sendResponse({ error: String(e) }),
  )
  return true
})
