/**
 * Runs inside the page (injected by chrome.scripting, so it must not close over anything): the http(s) links of
 * the current selection, or of the whole page when `selectionOnly` is false, in document order without repeats.
 */
export function collectLinks(selectionOnly: boolean): string[] {
  const anchors = Array.from(document.querySelectorAll<HTMLAnchorElement>('a[href]'))
  const selection = window.getSelection()
  const picked = selectionOnly
    ? anchors.filter((a) => selection !== null && selection.rangeCount > 0 && selection.containsNode(a, true))
    : anchors
  const seen = new Set<string>()
  for (const a of picked) {
    // In-page anchors (`#top`) are navigation, not downloads, as a drop of the same HTML treats them.
    if ((a.getAttribute('href') ?? '').trim().startsWith('#')) continue
    if ((a.protocol === 'http:' || a.protocol === 'https:') && !seen.has(a.href)) seen.add(a.href)
  }
  return [...seen]
}
