/// <reference types="vite/client" />

/**
 * What the preload exposes as `window.api`.
 *
 * A placeholder until the typed IPC contract (`Api` from shared/ipc.ts) replaces it.
 */
interface PinpointApi {
  readonly version: string
}

interface Window {
  readonly api: PinpointApi
}
