import type { WebContents } from 'electron'

import type { EventChannel, Payload } from '../../shared/ipc.ts'

/** The one way main pushes to a page: typed by the contract, and a closed window is skipped, not an error. */
export function emit<C extends EventChannel>(
  webContents: Pick<WebContents, 'isDestroyed' | 'send'>,
  channel: C,
  payload: Payload<C>,
): void {
  if (webContents.isDestroyed()) return
  webContents.send(channel, payload)
}
