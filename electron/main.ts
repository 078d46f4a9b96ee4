import { join } from 'node:path'

import { app, type BrowserWindow } from 'electron'

import { createMainWindow } from './window.ts'

/**
 * Composition root of the main process.
 *
 * Only one Pinpoint runs at a time: a second launch quits at once and the first one comes to the front.
 */

// Built layout: dist/electron/main.js beside dist/electron/preload.cjs, and dist/renderer/index.html.
const paths = {
  preload: join(import.meta.dirname, 'preload.cjs'),
  page: join(import.meta.dirname, '..', 'renderer', 'index.html'),
}

let mainWindow: BrowserWindow | undefined

function showMainWindow(): void {
  if (mainWindow === undefined || mainWindow.isDestroyed()) {
    mainWindow = createMainWindow(paths)
    return
  }
  if (mainWindow.isMinimized()) mainWindow.restore()
  mainWindow.show()
  mainWindow.focus()
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => showMainWindow())
  app.on('window-all-closed', () => app.quit())
  app.on('activate', () => showMainWindow())
  app
    .whenReady()
    .then(() => showMainWindow())
    .catch((error: unknown) => {
      console.error('pinpoint: startup failed', error)
      app.exit(1)
    })
}
