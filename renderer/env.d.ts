/// <reference types="vite/client" />

/** What the preload exposes as `window.api`: the typed contract of shared/ipc.ts, nothing else. */
interface Window {
  readonly api: import('../shared/ipc.ts').Api
}
