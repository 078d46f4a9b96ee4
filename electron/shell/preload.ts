import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'

import { eventChannels, requestChannels, type Api } from '../../shared/ipc.ts'
import { createHeldEvents } from './held-events.ts'

/**
 * The bridge between the sandboxed page and the main process: generic, with its allow-list taken from the
 * contract, and no logic of its own (main validates every input and checks the sender).
 *
 * The Electron event object is dropped before a listener sees a payload, as Electron's docs advise: it would
 * hand the page `sender`, an IpcRenderer. Events sent before the page subscribes are held for it (held-events.ts).
 * Bundled into one CommonJS file, because a sandboxed preload can only `require` Electron and a few built-ins.
 */
const requests = new Set<string>(requestChannels)
const events = new Set<string>(eventChannels)
const hub = createHeldEvents()
for (const channel of eventChannels) {
  ipcRenderer.on(channel, (_event: IpcRendererEvent, payload: unknown) => hub.dispatch(channel, payload))
}

const api: Api = {
  invoke: (channel, input) => {
    if (!requests.has(channel)) return Promise.reject(new Error(`unknown channel ${String(channel)}`))
    return ipcRenderer.invoke(channel, input)
  },
  on: (channel, listener) => {
    if (!events.has(channel)) throw new Error(`unknown event ${String(channel)}`)
    return hub.on(channel, (payload) => listener(payload as never))
  },
}

contextBridge.exposeInMainWorld('api', api)
