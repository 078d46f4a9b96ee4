import { BrowserWindow } from 'electron'

import { windowOptions } from './window-options.ts'

/** Where the window's code and page come from: both inside the packaged app, never a remote URL. */
export interface WindowPaths {
  /** Absolute path of the bundled preload (`dist/electron/preload.cjs`). */
  readonly preload: string
  /** The page's URL on the app's own scheme (`app://pinpoint/index.html`, see app-protocol.ts). */
  readonly pageUrl: string
}

/**
 * Creates the main window and locks it down.
 *
 * The page is local and trusted, so anything that would take the window elsewhere is refused: new windows,
 * navigation, redirects, <webview> and every permission request (camera, notifications, geolocation...).
 */
export function createMainWindow(paths: WindowPaths): BrowserWindow {
  const win = new BrowserWindow(windowOptions(paths.preload))
  const contents = win.webContents

  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  contents.session.setPermissionCheckHandler(() => false)

  win.once('ready-to-show', () => win.show())
  win.loadURL(paths.pageUrl).catch((error: unknown) => {
    console.error('pinpoint: could not load the window page', error)
  })
  return win
}
