import { contextBridge } from 'electron'

/**
 * The bridge between the sandboxed page and the main process.
 *
 * Bundled into one CommonJS file: a sandboxed preload can only `require` Electron and a few built-ins.
 */
contextBridge.exposeInMainWorld('api', {
  version: __PINPOINT_VERSION__,
})
