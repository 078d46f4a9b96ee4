import type { Api } from '../shared/ipc.ts'
import { addressWithoutToken, createWsApi, socketUrlOf, type LinkState, type TokenProbe } from './ws-api.ts'

/**
 * The renderer's only reader of `window.api`, which the preload installs before any page script runs.
 *
 * Everything else imports `api` from here, so tests and the browser build can swap the bridge in one place.
 * Inside Electron it is the preload's bridge; in a browser (no preload) it is the WebSocket to `pinpoint serve`.
 */
const bridge = (window as { api?: Api }).api

/**
 * In a browser the token leaves the address bar as soon as the page runs: the server set it as an HttpOnly,
 * SameSite=Strict cookie with this page, which authenticates the socket and every later load of the page.
 */
function browserApi() {
  const clean = addressWithoutToken(window.location)
  if (clean !== null) window.history.replaceState(window.history.state, '', clean)
  // A HEAD of the page with the cookie: 401 means the server is up but no longer takes this page's token.
  const probeToken: TokenProbe = () =>
    fetch('/', {
      method: 'HEAD',
      cache: 'no-store',
      credentials: 'same-origin',
      signal: AbortSignal.timeout(3000),
    }).then(
      (res) => (res.status === 401 ? 'rejected' : 'accepted'),
      () => 'unreachable',
    )
  const { protocol, host } = window.location
  return createWsApi({ url: socketUrlOf({ protocol, host, search: '', hash: '' }), probeToken })
}

const ws = bridge === undefined ? browserApi() : undefined

export const api: Api = bridge ?? ws!

/** Run `listener` each time the browser's connection comes back (never inside Electron), to take a fresh snapshot. */
export function onReconnect(listener: () => void): () => void {
  return ws ? ws.onReconnect(listener) : () => {}
}

/** How the link to main stands; inside Electron it is always `online` (main is this app's own process). */
export function linkState(): LinkState {
  return ws ? ws.state() : 'online'
}

export function onLinkState(listener: (state: LinkState) => void): () => void {
  return ws ? ws.onState(listener) : () => {}
}

/** Skip the wait for the next reconnect attempt (the offline banner's "Try now"). */
export function reconnectNow(): void {
  ws?.reconnectNow()
}
