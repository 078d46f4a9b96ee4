import { join } from 'node:path'

import { app, dialog, powerMonitor, powerSaveBlocker, protocol, session, shell, type BrowserWindow } from 'electron'

import type { TransferView } from '../../shared/transfer.ts'
import { startCore, type Core } from '../app-core.ts'
import { emit } from '../ipc/emit.ts'
import { serve } from '../ipc/serve.ts'
import { APP_PAGE_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppFileHandler } from './app-protocol.ts'
import { DEEP_LINK_SCHEME, protocolClientArgs, urlsFromLaunch } from './launch-args.ts'
import { createLinkOffers } from './link-offers.ts'
import { showFirstCloseNotice, showNotices } from './notifications.ts'
import { osKeyWrap } from './os-key-wrap.ts'
import { createNotifyPlanner } from './notify-plan.ts'
import { startPower } from './power.ts'
import { progressFraction, setTaskbarProgress } from './taskbar-progress.ts'
import { createTray } from './tray.ts'
import { trayIconPaths } from './tray-state.ts'
import { createMainWindow } from './window.ts'
import { isNativeHostLaunch } from './native-host-launch.ts'
import { runNativeHost } from '../cli/native-host.ts'
import { startAndConnect } from '../cli/native-start.ts'
import { answerProxy } from '../transport/proxy-setting.ts'

/**
 * Composition root of the main process: the core (store, transport, queue, IPC) from app-core.ts, plus the
 * window, the tray, notifications and the OS hooks. Everything with logic in it lives in plain, tested modules.
 *
 * Closing the window only hides it: downloads go on in the tray until Quit, which (like an OS shutdown) first
 * flushes, fsyncs and commits every transfer.
 */

// Built layout: dist/electron/{main.js,preload.cjs}, dist/renderer/index.html, build/icons beside dist/.
// The page is loaded from app://pinpoint, served from dist/renderer only (app-protocol.ts).
const paths = {
  preload: join(import.meta.dirname, 'preload.cjs'),
  renderer: join(import.meta.dirname, '..', 'renderer'),
  pageUrl: APP_PAGE_URL,
  icons: join(import.meta.dirname, '..', '..', 'build', 'icons'),
}
const FIRST_CLOSE_SEEN = 'shell.firstCloseNoticeShown'

let core: Core | undefined
let win: BrowserWindow | undefined
let quitting = false
let shutDown = false
// Links from `pinpoint://` and launches are offered to the user in the add dialog, never added by themselves.
const offers = createLinkOffers((urls, offer, from) => {
  if (win && !win.isDestroyed()) {
    emit(win.webContents, 'links:offered', { urls, ...(offer ? { offer, ...(from ? { from } : {}) } : {}) })
  }
})

function showWindow(): void {
  if (!win || win.isDestroyed()) {
    win = createMainWindow(paths)
    offers.pageGone()
    win.on('close', onClose)
    win.on('closed', () => offers.pageGone())
    win.webContents.on('did-finish-load', () => offers.pageReady())
    win.webContents.on('render-process-gone', () => {
      offers.pageGone()
      win?.reload()
    })
    return
  }
  if (win.isMinimized()) win.restore()
  win.show()
  win.focus()
}

function onClose(event: Electron.Event): void {
  if (quitting || !core || !core.ipc.settings.get().closeToTray) return
  event.preventDefault()
  win?.hide()
  if (!core.store.settings.get<boolean>(FIRST_CLOSE_SEEN)) {
    core.store.settings.set(FIRST_CLOSE_SEEN, true)
    showFirstCloseNotice({ icon: join(paths.icons, 'app', '256x256.png'), onClick: showWindow })
  }
}

async function start(): Promise<void> {
  protocol.handle(APP_SCHEME, createAppFileHandler(paths.renderer))
  const c = await startCore({
    stateDir: app.getPath('userData'),
    keyWrap: osKeyWrap(),
    // The OS's proxy settings, a PAC script included, as Chromium resolves them for each URL.
    systemProxy: answerProxy((url) => session.defaultSession.resolveProxy(url)),
    defaultDownloadDir: app.getPath('downloads'),
    // Packaged, the app is its own browser host; a development run has no executable a browser could start.
    ...(app.isPackaged ? { browserHosts: { launcher: { executable: process.execPath } } } : {}),
    appUrl: APP_PAGE_URL,
    desktop: {
      chooseFolder: async () => {
        const options = {
          properties: ['openDirectory', 'createDirectory'] as Array<'openDirectory' | 'createDirectory'>,
        }
        const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
        return result.canceled ? undefined : result.filePaths[0]
      },
      reveal: (path) => shell.showItemInFolder(path),
      open: (path) => shell.openPath(path),
    },
    emit: (channel, payload) => {
      if (win && !win.isDestroyed()) emit(win.webContents, channel, payload)
    },
    // The extension's "Download all links": the window comes up (made if the app ran in the tray) with the dialog.
    offer: ({ urls, offer, from }) => {
      offers.offer(urls, offer, from)
      showWindow()
      return true
    },
  })
  core = c
  serve(c.ipc.dispatcher)
  offers.offer(urlsFromLaunch(process.argv))

  const tray = createTray({
    icons: trayIconPaths(join(paths.icons, 'tray'), process.platform),
    onShow: showWindow,
    onPauseAll: () => c.pauseAll(),
    onResumeAll: () => c.resumeAll(),
    onQuit: () => app.quit(),
  })
  const power = startPower({ powerSaveBlocker, powerMonitor, onResume: () => c.resumed() })
  app.once('will-quit', () => {
    power.dispose()
    tray.destroy()
  })
  const views = new Map<number, TransferView>(c.transfers().map((v) => [v.id, v]))
  const planner = createNotifyPlanner(views.values())
  const refresh = () => {
    const all = [...views.values()]
    tray.update(all)
    power.update(all)
    if (win && !win.isDestroyed()) setTaskbarProgress(win, progressFraction(all))
  }
  c.queue.subscribe((changes) => {
    for (const v of changes.patches) views.set(v.id, v)
    for (const id of changes.removed) views.delete(id)
    refresh()
    showNotices(planner.plan(changes.patches, changes.removed), {
      allowed: () => c.ipc.settings.get().notifications,
      icon: join(paths.icons, 'app', '256x256.png'),
      onClick: showWindow,
    })
  })
  refresh()
  showWindow()
}

/** Quit and OS shutdown: stop every transfer gracefully before the process ends. */
function shutdownThenQuit(event: Electron.Event): void {
  if (shutDown || !core) return
  event.preventDefault()
  quitting = true
  void core.shutdown().finally(() => {
    shutDown = true
    app.quit()
  })
}

if (isNativeHostLaunch(process.argv)) {
  // Started by a browser as the extension's native messaging host: no window, no tray and no single-instance lock
  // (the app itself may be running). It answers on stdio, forwarding to the running app over its control socket,
  // or starting the app when the user allowed that, and exits when the browser closes the pipe.
  app.dock?.hide()
  runNativeHost(app.getPath('userData'), process.stdin, process.stdout, (stateDir) =>
    startAndConnect(stateDir, process.execPath, []),
  ).then(
    (code) => app.exit(code),
    () => app.exit(1),
  )
} else if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  // Before ready, as Electron requires: app:// gets real origins and a secure context (see app-protocol.ts).
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }])
  app.setAsDefaultProtocolClient(
    DEEP_LINK_SCHEME,
    process.execPath,
    protocolClientArgs({ defaultApp: process.defaultApp === true, appPath: app.getAppPath() }),
  )
  // Linux launchers match the taskbar progress bar to the app by its .desktop file.
  if (process.platform === 'linux') app.setDesktopName('pinpoint.desktop')
  app.on('second-instance', (_event, argv) => {
    offers.offer(urlsFromLaunch(argv))
    showWindow()
  })
  app.on('open-url', (event, url) => {
    event.preventDefault()
    offers.offer(urlsFromLaunch([url]))
    // Before ready (macOS starting Pinpoint for a link), start() opens the window and the offer waits for it.
    if (app.isReady()) showWindow()
  })
  // With the window closed, downloads go on in the tray: only Quit ends the app.
  app.on('window-all-closed', () => {})
  app.on('activate', () => showWindow())
  app.on('before-quit', shutdownThenQuit)
  // Electron's docs: calling preventDefault on this event delays the OS shutdown until the app quits (the
  // typings omit the event argument).
  ;(powerMonitor as unknown as NodeJS.EventEmitter).on('shutdown', (event: Electron.Event) => shutdownThenQuit(event))
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      console.error('pinpoint: startup failed', error)
      app.exit(1)
    })
}
