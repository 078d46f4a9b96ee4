import type { Emit } from '../shared/ipc.ts'
import type { TransferView } from '../shared/transfer.ts'
import { openCore } from './core/open-core.ts'
import { createConnectionLog } from './ipc/connection-log.ts'
import { createIpc, type Ipc } from './ipc/create-ipc.ts'
import type { Desktop } from './ipc/desktop.ts'
import { addDownloads, type AddResult } from './queue/add-downloads.ts'
import type { Queue } from './queue/queue.ts'
import type { Store } from './store/open-store.ts'
import type { KeyWrap } from './store/secret-key.ts'

export interface CoreOptions {
  /** Where the queue database lives (`app.getPath('userData')` in the app). */
  stateDir: string
  /** The OS's Downloads folder, until the user picks another. */
  defaultDownloadDir: string
  /** The page the window loads: the only sender IPC trusts. */
  appUrl: string
  desktop: Desktop
  emit: Emit
  /** How the OS protects the credentials key (main.ts: Electron's safeStorage); the key file alone without it. */
  keyWrap?: KeyWrap | undefined
  /** Re-checks a folder right before each file is opened, finalized or deleted in it (pinpoint serve's roots). */
  confine?: (dir: string) => Promise<void>
}

export interface Core {
  store: Store
  queue: Queue
  ipc: Ipc
  /** Every transfer as views show it, for the tray, the taskbar and notifications. */
  transfers(): TransferView[]
  /** Add URLs into the download folder and start them, as the add dialog does (the same add-downloads path). */
  add(urls: readonly string[]): Promise<AddResult>
  pauseAll(): void
  resumeAll(): void
  /** Flush, fsync and commit every transfer, then close the store: the graceful quit. */
  shutdown(): Promise<void>
}

/**
 * Everything the desktop app runs, without Electron: the store, the download transport (fed by the saved host
 * rules), the queue and the IPC handlers, with the user's settings applied and kept applied.
 *
 * main.ts only adds windows, the tray and OS integration around it, so all of this is tested under Node.
 */
export async function startCore(opts: CoreOptions): Promise<Core> {
  const connections = createConnectionLog()
  const { store, queue, limiter } = await openCore({
    stateDir: opts.stateDir,
    keyWrap: opts.keyWrap,
    onConnection: (info) => connections.record(info),
    ...(opts.confine ? { confine: opts.confine } : {}),
    // The app stays up, so a download paused by a full disk resumes by itself once there is room again.
    diskRecheckMs: 30_000,
  })
  const ipc = createIpc({
    store,
    queue,
    connections,
    appUrl: opts.appUrl,
    defaultDownloadDir: opts.defaultDownloadDir,
    desktop: opts.desktop,
    emit: opts.emit,
  })
  const apply = () => {
    const s = ipc.settings.get()
    queue.setMaxActive(s.maxActive)
    limiter.setRate(s.limitRate ?? 0)
  }
  apply()
  const unwatch = ipc.settings.onChange(apply)
  queue.start('all')

  const views = () => store.transfers.list().map((r) => queue.view(r))
  let closed = false
  return {
    store,
    queue,
    ipc,
    transfers: views,
    add(urls) {
      return addDownloads({ store, queue }, { urls, dir: ipc.settings.get().downloadDir }).then((result) => {
        queue.resume([...result.added, ...result.existing].map((r) => r.id))
        return result
      })
    },
    pauseAll: () => queue.pause(store.transfers.listByState(['queued', 'connecting', 'downloading']).map((r) => r.id)),
    resumeAll: () => queue.resume(store.transfers.listByState(['paused', 'failed']).map((r) => r.id)),
    async shutdown() {
      if (closed) return
      closed = true
      unwatch()
      ipc.close()
      await queue.stop()
      store.close()
    },
  }
}
