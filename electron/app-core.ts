import { controlRequests, isControlChannel, type Emit } from '../shared/ipc.ts'
import { withRun } from '../shared/profile.ts'
import type { TransferView } from '../shared/transfer.ts'
import { openCore } from './core/open-core.ts'
import { createIpc, type Ipc } from './ipc/create-ipc.ts'
import { describe } from './ipc/dispatch.ts'
import type { Desktop } from './ipc/desktop.ts'
import type { BrowserHostOptions } from './ipc/browser-handlers.ts'
import { offerLinks, type ShowOffer } from './ipc/offer-links.ts'

import { listenControl, type ControlServer } from './core/control-socket.ts'
import { addDownloads, type AddRequest, type AddResult } from './queue/add-downloads.ts'
import type { Queue } from './queue/queue.ts'
import type { Store } from './store/open-store.ts'
import type { KeyWrap } from './store/secret-key.ts'
import type { ProxyLookup } from './transport/proxy-setting.ts'

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
  /** The system's proxy for the "system" proxy setting (main.ts: Chromium's answer); the environment without it. */
  systemProxy?: ProxyLookup
  /** Where the Settings' Browsers section installs the native host (a test's home folder); as the CLI by default. */
  browserHosts?: BrowserHostOptions
  /**
   * Show offered links for review (`control:offer`): main.ts shows or makes the window and sends `links:offered`,
   * serve sends it to its open pages. Absent, or false when nothing could show them: the offer answers not shown.
   */
  offer?: ShowOffer
}

export interface Core {
  store: Store
  queue: Queue
  ipc: Ipc
  /**
   * Where this process listens for local clients (`pinpoint get` beside the app): the control socket, or null
   * when it could not listen (a state folder path too long for a socket), and local clients then see it held.
   */
  controlPath: string | null
  /** Every transfer as views show it, for the tray, the taskbar and notifications. */
  transfers(): TransferView[]
  /** Add URLs into the download folder and start them, as the add dialog does (the same add-downloads path). */
  add(urls: readonly string[]): Promise<AddResult>
  pauseAll(): void
  resumeAll(): void
  /**
   * The machine woke up: the schedule is read again (a window may have opened or closed during sleep), and stalled
   * transfers reconnect.
   */
  resumed(): void
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
  const core = await openCore({
    stateDir: opts.stateDir,
    keyWrap: opts.keyWrap,
    ...(opts.systemProxy ? { systemProxy: opts.systemProxy } : {}),
    ...(opts.confine ? { confine: opts.confine } : {}),
    // The app stays up, so a download paused by a full disk resumes by itself once there is room again.
    diskRecheckMs: 30_000,
  })
  const { store, queue } = core
  // Filled in once the control socket listens, which needs the IPC handlers first.
  const local: { control?: ControlServer | undefined } = {}
  const emit: Emit = (channel, payload) => {
    opts.emit(channel, payload)
    local.control?.broadcast(channel, payload)
  }
  const ipc = createIpc({
    store,
    queue,
    appUrl: opts.appUrl,
    defaultDownloadDir: opts.defaultDownloadDir,
    desktop: opts.desktop,
    emit,
    transports: core.transports,
    ...(opts.browserHosts ? { browserHosts: opts.browserHosts } : {}),
  })
  const apply = () => {
    const s = ipc.settings.get()
    queue.setMaxActive(s.maxActive)
    core.setLimitRate(s.limitRate ?? 0)
    core.schedule?.refresh()
  }
  apply()
  const unwatch = ipc.settings.onChange(apply)
  queue.start('all')

  /** The one add path, started: what the add dialog, the control socket and `add()` all do. */
  const addAndStart = async (req: AddRequest) => {
    const result = await addDownloads({ store, queue }, req)
    queue.resume([...result.added, ...result.existing].map((r) => r.id))
    return result
  }
  // The same contract and handlers as the window's IPC, plus what only a local process may ask (control:*).
  const control = await listenControl(opts.stateDir, async (channel, raw) => {
    if (!isControlChannel(channel)) return ipc.dispatcher.handle(channel, raw, opts.appUrl)
    if (channel === 'control:offer') {
      const offered = controlRequests[channel].input.safeParse(raw)
      if (!offered.success) throw new Error(`${channel}: ${describe(offered.error)}`)
      return offerLinks(offered.data, { offers: ipc.offers, show: opts.offer })
    }
    const parsed = controlRequests['control:add'].input.safeParse(raw)
    if (!parsed.success) throw new Error(`${channel}: ${describe(parsed.error)}`)
    const { profile, ignoreSchedule, ...req } = parsed.data
    await opts.confine?.(req.dir)
    const result = await addAndStart({ ...req, ...(profile ? { profile } : {}), mergeProfile: withRun })
    if (ignoreSchedule) queue.startAnyway(result.rows.map((r) => r.id))
    return {
      ids: result.rows.map((r) => r.id),
      done: result.done.map((r) => ({ id: r.id, savedPath: r.savedPath })),
      rejected: result.rejected,
    }
  }).catch(() => undefined)
  local.control = control

  const views = () => store.transfers.list().map((r) => queue.view(r))
  let closed = false
  return {
    store,
    queue,
    ipc,
    controlPath: control?.path ?? null,
    transfers: views,
    add: (urls) => addAndStart({ urls, dir: ipc.settings.get().downloadDir }),
    pauseAll: () => queue.pause(store.transfers.listByState(['queued', 'connecting', 'downloading']).map((r) => r.id)),
    resumeAll: () => queue.resume(store.transfers.listByState(['paused', 'failed']).map((r) => r.id)),
    resumed() {
      core.schedule?.refresh()
      queue.retryStalled()
    },
    async shutdown() {
      if (closed) return
      closed = true
      unwatch()
      await control?.close()
      ipc.close()
      await core.shutdown()
    },
  }
}
