import { resolve } from 'node:path'

import { MAX_OFFERED_URLS } from '../../shared/ipc.ts'

/**
 * The download URLs in a launch's command line.
 *
 * A second launch hands its argv to the first instance (`app.on('second-instance')`), and a click on a
 * `pinpoint://add?url=…` link starts Pinpoint with that link as an argument (Windows, Linux; macOS delivers it through
 * `open-url`, which passes the same string here). The argv is not trusted: a web page can make the browser open any
 * `pinpoint:` link, so only http(s) URLs come out, and only so many. They are only offered to the user (the add
 * dialog, pre-filled), never added by themselves.
 */

export const DEEP_LINK_SCHEME = 'pinpoint'

/** More than anyone pastes at once; a crafted link with thousands of `url` parameters cannot flood the dialog. */
export const MAX_LAUNCH_URLS = MAX_OFFERED_URLS

/** Ends Chromium's (and Electron's) switches: everything after it is an argument, never a switch. */
export const END_OF_SWITCHES = '--'

/**
 * The arguments the `pinpoint:` handler is registered with (`app.setAsDefaultProtocolClient`), before the link the OS
 * appends. They end with `--`, so a link can never be read as a Chromium switch (`--gpu-launcher=…`, `--inspect=…`),
 * whatever it holds. A development run (`electron <app>`) names the app folder first, made absolute so it cannot be a
 * switch either.
 */
export function protocolClientArgs(run: { defaultApp: boolean; appPath: string }): string[] {
  return run.defaultApp ? [resolve(run.appPath), END_OF_SWITCHES] : [END_OF_SWITCHES]
}

/** Browsers and servers stop well before this; longer is junk, not a download. */
export const MAX_URL_LENGTH = 8192

/**
 * Every http(s) URL in `argv`, from plain arguments and from `pinpoint://add?url=<encoded>` deep links (several `url`
 * parameters allowed), in order and without repeats.
 *
 * With a `--` (the registered handler always puts one before the link), only what follows it counts: before it are
 * the executable, the app and switches. A plain `pinpoint https://…` typed in a shell has none, so then every argument
 * is looked at. Everything else is dropped by the same test: Chromium's switches (`--foo=https://…` included) and the
 * executable and app paths are not http(s) URLs; a Windows path such as `C:\…` parses as a URL, but of scheme `c:`.
 */
export function urlsFromLaunch(argv: readonly string[]): string[] {
  const end = argv.indexOf(END_OF_SWITCHES)
  const args = end === -1 ? argv : argv.slice(end + 1)
  const urls = new Set<string>()
  for (const arg of args) {
    for (const url of urlsFromArg(arg)) {
      if (urls.size >= MAX_LAUNCH_URLS) return [...urls]
      urls.add(url)
    }
  }
  return [...urls]
}

function urlsFromArg(arg: string): string[] {
  const text = arg.trim()
  const parsed = parse(text)
  if (parsed?.protocol === `${DEEP_LINK_SCHEME}:`) return urlsFromDeepLink(parsed)
  const direct = httpUrl(text)
  return direct === undefined ? [] : [direct]
}

/** `pinpoint://add?url=…`; Windows may add a slash (`pinpoint://add/?url=…`). Any other action is refused. */
function urlsFromDeepLink(link: URL): string[] {
  // `pinpoint://add` puts the action in the host; `pinpoint:add` and `pinpoint:///add` put it in the path.
  const target = link.host !== '' ? `${link.host}${link.pathname}` : link.pathname.replace(/^\/+/, '')
  if (!/^add\/?$/i.test(target)) return []
  return link.searchParams
    .getAll('url')
    .map(httpUrl)
    .filter((u): u is string => u !== undefined)
}

/**
 * The URL, normalised, if it is http(s); `javascript:`, `file:` and the like are not downloads. (An http(s) URL always
 * has a host: the parser rejects `http://` and reads `http:example.com` as `http://example.com/`.)
 */
function httpUrl(text: string): string | undefined {
  if (text.length > MAX_URL_LENGTH) return undefined
  const url = parse(text)
  if (url === undefined) return undefined
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  return url.href
}

function parse(text: string): URL | undefined {
  return URL.canParse(text) ? new URL(text) : undefined
}
