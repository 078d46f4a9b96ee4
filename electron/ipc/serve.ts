import { ipcMain } from 'electron'

import { requestChannels } from '../../shared/ipc.ts'
import type { Dispatcher } from './dispatch.ts'
import { mainFrameUrl } from './trusted-sender.ts'

/**
 * Register every request channel with ipcMain. All checks live in the dispatcher (plain Node, tested); this
 * only hands over the sender's URL, and only for a top-level frame. Returns the unregister function.
 */
export function serve(dispatcher: Dispatcher): () => void {
  for (const channel of requestChannels) {
    ipcMain.handle(channel, (event, raw: unknown) => dispatcher.handle(channel, raw, mainFrameUrl(event.senderFrame)))
  }
  return () => {
    for (const channel of requestChannels) ipcMain.removeHandler(channel)
  }
}
