/**
 * The options every Pinpoint window is created with.
 *
 * Kept free of Electron so the security flags can be unit-tested in plain Node. The literal types (`sandbox: true`,
 * `nodeIntegration: false`, ...) make weakening a flag a compile error as well as a test failure; `window.ts` passes
 * the result straight to `new BrowserWindow`, so the shape is also checked against Electron's own types there.
 */
export interface WindowOptions {
  readonly width: number
  readonly height: number
  readonly minWidth: number
  readonly minHeight: number
  readonly title: string
  /** Shown on `ready-to-show`, so the user never sees an unpainted window. */
  readonly show: false
  readonly autoHideMenuBar: boolean
  readonly webPreferences: {
    readonly preload: string
    readonly sandbox: true
    readonly contextIsolation: true
    readonly nodeIntegration: false
    readonly nodeIntegrationInWorker: false
    readonly nodeIntegrationInSubFrames: false
    readonly webSecurity: true
    readonly allowRunningInsecureContent: false
    readonly webviewTag: false
    readonly navigateOnDragDrop: false
    readonly spellcheck: false
  }
}

/** Builds the window options; `preloadPath` must be the absolute path of the bundled `preload.cjs`. */
export function windowOptions(preloadPath: string): WindowOptions {
  return {
    width: 1000,
    height: 680,
    minWidth: 640,
    minHeight: 400,
    title: 'Pinpoint',
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  }
}
