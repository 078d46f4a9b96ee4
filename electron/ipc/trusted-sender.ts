/**
 * Which frames may call main: only the app's own page, in the main frame (Electron security checklist, item 17).
 *
 * The window loads the app from its own origin, `app://pinpoint` (electron/shell/app-protocol.ts), whose handler
 * serves nothing but the built renderer; a dev server is trusted by its origin too. An iframe, a page the window
 * was somehow navigated to, devtools, a `data:` page or any `file:` page (they all share the opaque origin "null",
 * so no origin check could tell the app's from another) gets nothing.
 */
export function isTrustedSender(frameUrl: string | undefined, appUrl: string): boolean {
  if (frameUrl === undefined) return false
  const frame = parse(frameUrl)
  const app = parse(appUrl)
  if (!frame || !app || frame.protocol !== app.protocol) return false
  if (app.protocol === 'app:') {
    // A non-special scheme: Node's URL gives it the opaque origin "null", so scheme, host and port are compared.
    const hostOnly = (u: URL) => u.port === '' && u.username === '' && u.password === ''
    return hostOnly(frame) && hostOnly(app) && app.host !== '' && frame.host.toLowerCase() === app.host.toLowerCase()
  }
  // A dev server: same scheme, host and port. Anything else (https pages, file:, other schemes) is refused.
  if (app.protocol !== 'http:' && app.protocol !== 'https:') return false
  return frame.origin === app.origin
}

/** The sender's URL if it is a top-level frame, else undefined (which no check trusts). */
export function mainFrameUrl(frame: { url: string; parent: unknown } | null | undefined): string | undefined {
  return frame && frame.parent === null ? frame.url : undefined
}

function parse(text: string): URL | undefined {
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}
