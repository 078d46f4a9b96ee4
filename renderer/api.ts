import type { Api } from '../shared/ipc.ts'

/**
 * The renderer's only reader of `window.api`, which the preload installs before any page script runs.
 *
 * Everything else imports `api` from here, so tests and the browser build can swap the bridge in one place.
 */
export const api: Api = window.api
