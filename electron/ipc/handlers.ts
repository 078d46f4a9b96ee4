import type { Emit, Handlers } from '../../shared/ipc.ts'
import type { Queue } from '../queue/queue.ts'
import type { Store } from '../store/open-store.ts'
import type { Desktop } from './desktop.ts'
import type { TransportMaker } from '../engine/core-transport.ts'
import { dialogHandlers } from './dialog-handlers.ts'
import { folderHandlers } from './folder-handlers.ts'
import type { FolderTokens } from './folder-tokens.ts'
import { hostHandlers, type Probe } from './host-handlers.ts'
import { linkHandlers } from './link-handlers.ts'
import { profileHandlers } from './profile-handlers.ts'
import type { SettingsService } from './settings-service.ts'
import { settingsHandlers } from './settings-handlers.ts'
import { transferHandlers } from './transfer-handlers.ts'
import { priorityHandlers } from './priority-handlers.ts'
import { browserHandlers, type BrowserHostOptions } from './browser-handlers.ts'
import type { OfferStore } from './offer-store.ts'

export interface HandlerDeps {
  queue: Queue
  store: Store
  settings: SettingsService
  folders: FolderTokens
  desktop: Desktop
  probe: Probe
  emit: Emit
  /** How previews and host checks connect: as downloads do, through the same proxy resolution. */
  transports?: TransportMaker
  /** Where the Settings' Browsers section installs the native host (defaults: as `pinpoint integrate`). */
  browserHosts?: BrowserHostOptions | undefined
  /** Offers' referrers and cookies, kept in main for `transfers:add`. */
  offers?: OfferStore | undefined
}

/** Every channel's handler. `satisfies` makes a channel added to the contract without a handler a compile error. */
export function createHandlers(deps: HandlerDeps): Handlers {
  return {
    ...transferHandlers(deps),
    ...linkHandlers(deps),
    ...hostHandlers(deps),
    ...settingsHandlers(deps),
    ...dialogHandlers(deps),
    ...folderHandlers(deps),
    ...profileHandlers(deps),
    ...priorityHandlers(deps),
    ...browserHandlers({ stateDir: deps.store.dir, browserHosts: deps.browserHosts }),
  } satisfies Handlers
}
