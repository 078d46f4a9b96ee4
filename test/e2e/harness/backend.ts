import type { Page } from 'playwright-core'

import type { Core } from '../../../electron/app-core.ts'
import type { Daemon } from '../../../electron/serve/start-serve.ts'
import type { Emit, EventChannel } from '../../../shared/ipc.ts'

/**
 * How the page reaches the core: `bridge` is Electron's preload and ipcMain stood in for by a Playwright binding;
 * `serve` is `pinpoint serve` and the real WebSocket, as a browser uses it.
 */
export type Transport = 'bridge' | 'serve'

/** Both, for `describe.each(transports)`. */
export const transports: readonly Transport[] = ['bridge', 'serve']

export interface DesktopCalls {
  chooseFolder: number
  reveal: string[]
  open: string[]
}

export type Emitted = { channel: EventChannel; payload: unknown }

/** The running core behind the page, and how the page gets to it. */
export interface Backend {
  transport: Transport
  core: Core
  /** The URL the page is opened at: the only sender the core trusts (by origin under serve). */
  pageUrl: string
  /** The default download folder (the settings' folder until the user picks another). */
  downloadDir: string
  /** bridge: what the fake folder dialog returns. serve: the second --root folder. */
  pickedDir: string
  /** Calls that reached the fake desktop shell (bridge only; serve has no desktop to call). */
  desktop: DesktopCalls
  /** Events the core emitted, in order, as the page was sent them (bridge only; serve sends them itself). */
  emitted: Emitted[]
  /**
   * bridge only: push an event to the page as main does, for events the core itself never sends (`links:offered`
   * comes from the shell: a `pinpoint://` link or a second launch). serve has no such events.
   */
  emit?: Emit
  /** The daemon, under serve. */
  daemon?: Daemon
  /** Before the page loads: give it its way to the core. */
  attach(page: Page): Promise<void>
  /** After the page has loaded. */
  loaded(): void
  close(): Promise<void>
}
