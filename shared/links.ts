/**
 * What counts as a downloadable link, shared by the IPC schemas, main's link parser and the renderer's forms.
 *
 * Plain string and WHATWG URL work only, so the renderer can check a pasted line with the same rule main applies.
 */

/** The longest URL accepted: 8 KiB, which is what common servers accept in a request line. */
export const MAX_URL_CHARS = 8 * 1024

/** The most URLs one request may add or one drop may yield. */
export const MAX_URLS = 10_000

export type UrlCheck = { ok: true; url: string } | { ok: false; reason: string }

/**
 * Accept an absolute http(s) URL and return it normalized (WHATWG serialization), or say why not.
 *
 * Every other scheme is refused by name: `javascript:` and `data:` carry code or content rather than a location,
 * and `file:` would turn a download into a local file copy chosen by whoever wrote the page.
 */
export function checkDownloadUrl(text: string): UrlCheck {
  // The URL parser drops tabs and newlines anywhere, so the scheme is read the way the parser will read it.
  const trimmed = text.replace(/[\t\n\r]/g, '').trim()
  if (trimmed === '') return { ok: false, reason: 'empty line' }
  if (trimmed.length > MAX_URL_CHARS) return { ok: false, reason: `longer than ${MAX_URL_CHARS} characters` }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase()
  if (scheme === undefined) return { ok: false, reason: 'not an absolute URL: expected http:// or https://' }
  if (scheme !== 'http' && scheme !== 'https') return { ok: false, reason: schemeReason(scheme) }
  let url: URL
  try {
    url = new URL(trimmed)
  } catch {
    return { ok: false, reason: 'not a valid URL' }
  }
  if (url.hostname === '') return { ok: false, reason: 'the URL has no host' }
  // A fragment is the browser's, never sent to the server: `f.iso#top` is `f.iso`, one download, not a second
  // copy under another name.
  url.hash = ''
  // Normalizing can grow a URL (percent-encoding), so the cap is checked again on what would be stored.
  if (url.href.length > MAX_URL_CHARS) return { ok: false, reason: `longer than ${MAX_URL_CHARS} characters` }
  return { ok: true, url: url.href }
}

/** Whether `text` is an http(s) URL that checkDownloadUrl accepts; for schemas. */
export function isDownloadUrl(text: string): boolean {
  return checkDownloadUrl(text).ok
}

function schemeReason(scheme: string): string {
  switch (scheme) {
    case 'javascript':
    case 'vbscript':
      return `${scheme}: links run script; only http and https links are downloaded`
    case 'file':
      return 'file: links name local files; only http and https links are downloaded'
    case 'data':
      return 'data: links carry their content inline; only http and https links are downloaded'
    default:
      return `unsupported scheme ${scheme}:; only http and https links are downloaded`
  }
}
