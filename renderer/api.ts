import type { Api } from '../shared/ipc.ts'
import { createWsApi, socketUrlOf } from './ws-api.ts'

/**
 * The renderer's only reader of `window.api`, which the preload installs before any page script runs.
 *
 * Everything else imports `api` from here, so tests and the browser build can swap the bridge in one place.
 * Inside Electron it is the preload's bridge; in a browser (no preload) it is the WebSocket to `pinpoint serve`.
 */
const bridge = (window as { api?: Api }).api
const ws = bridge === undefined ? createWsApi({ url: socketUrlOf(window.location) }) : undefined

export const api: Api = bridge ?? ws!

/** Run `listener` each time the browser's connection comes back (never inside Electron), to take a fresh snapshot. */
export function onReconnect(listener: () => void): () => void {
  return ws ? ws.onReconnect(listener) : () => {}
}
