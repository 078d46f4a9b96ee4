/**
 * Which frames may call main: only the app's own page, in the main frame (Electron security checklist, item 17).
 *
 * An iframe, a page the window was somehow navigated to, devtools or a `data:` page gets nothing. For a
 * `file:` app every page shares the opaque origin "null", so the check there is the exact file, not the origin.
 */
export function isTrustedSender(frameUrl: string | undefined, appUrl: string): boolean {
  if (frameUrl === undefined) return false
  const frame = parse(frameUrl)
  const app = parse(appUrl)
  if (!frame || !app || frame.protocol !== app.protocol) return false
  if (app.protocol === 'file:') {
    // Decoded, because Chromium and Node's pathToFileURL escape a few characters differently; a path that
    // decodes to the app's own file is that file.
    const same = decoded(frame.pathname) === decoded(app.pathname)
    return frame.host === app.host && same && decoded(app.pathname) !== undefined
  }
  // A dev server: same scheme, host and port. Anything else (https pages, other schemes) is refused.
  if (app.protocol !== 'http:' && app.protocol !== 'https:') return false
  return frame.origin === app.origin
}

/** The sender's URL if it is a top-level frame, else undefined (which no check trusts). */
export function mainFrameUrl(frame: { url: string; parent: unknown } | null | undefined): string | undefined {
  return frame && frame.parent === null ? frame.url : undefined
}

function decoded(pathname: string): string | undefined {
  try {
    return decodeURIComponent(pathname)
  } catch {
    return undefined
  }
}

function parse(text: string): URL | undefined {
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}
