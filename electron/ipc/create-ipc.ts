import type { Emit } from '../../shared/ipc.ts'
import type { Queue } from '../queue/queue.ts'
import type { Store } from '../store/open-store.ts'
import type { Desktop } from './desktop.ts'
import { createDispatcher, type Dispatcher } from './dispatch.ts'
import { createFolderTokens, type FolderTokens } from './folder-tokens.ts'
import { forwardQueueChanges } from './forward-changes.ts'
import { createHandlers } from './handlers.ts'
import type { Probe } from './host-handlers.ts'
import { createProber } from './prober.ts'
import { coreTransports, type TransportMaker } from '../engine/core-transport.ts'
import { createSettingsService, type SettingsService } from './settings-service.ts'
import { isTrustedSender } from './trusted-sender.ts'
import type { BrowserHostOptions } from './browser-handlers.ts'
import { createOfferStore, type OfferStore } from './offer-store.ts'

export interface IpcSetup {
  store: Store
  queue: Queue
  desktop: Desktop
  /** The page the window loads (`app://pinpoint/index.html`, or the dev server's URL): the only trusted origin. */
  appUrl: string
  /** The OS's Downloads folder, used until the user picks another. */
  defaultDownloadDir: string
  /** Push to the window; main points it at `emit(win.webContents, …)` for whichever window is open. */
  emit: Emit
  /** Defaults to a probe over the saved host rules. */
  probe?: Probe
  /**
   * How previews, probes and host checks connect: the core's own transports (its system proxy included);
   * transports over the store and the environment's proxy without it.
   */
  transports?: TransportMaker
  /** Where the Settings' Browsers section installs the native host; see browser-handlers.ts. */
  browserHosts?: BrowserHostOptions
}

export interface Ipc {
  dispatcher: Dispatcher
  settings: SettingsService
  folders: FolderTokens
  /** What main keeps of offered links (referrer, cookies) until the user confirms them. */
  offers: OfferStore
  /** Stop forwarding queue changes. */
  close(): void
}

/** Everything behind the IPC channels, from the core objects main already has; `serve(ipc.dispatcher)` exposes it. */
export function createIpc(setup: IpcSetup): Ipc {
  const { store, queue, emit } = setup
  const folders = createFolderTokens()
  const settings = createSettingsService({ store, defaultDownloadDir: setup.defaultDownloadDir, emit })
  const transports = setup.transports ?? coreTransports(store)
  const probe = setup.probe ?? createProber({ transports })
  const offers = createOfferStore()
  const handlers = createHandlers({
    transports,
    queue,
    store,
    settings,
    folders,
    desktop: setup.desktop,
    probe,
    emit,
    browserHosts: setup.browserHosts,
    offers,
  })
  const dispatcher = createDispatcher(handlers, (url) => isTrustedSender(url, setup.appUrl))
  const unforward = forwardQueueChanges(queue, emit)
  return { dispatcher, settings, folders, offers, close: unforward }
}
