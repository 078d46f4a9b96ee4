import type { StateCreator } from 'zustand'

import type { AppInfo } from '../../shared/ipc.ts'
import type { Settings } from '../../shared/settings.ts'
import type { AppState } from './app-state.ts'

export interface SettingsSlice {
  /** null until `settings:get` answers (or `settings:changed` arrives). */
  settings: Settings | null
  setSettings: (settings: Settings) => void
  /** What the shell offers (a folder dialog, or roots to name folders in); null until `app:info` answers. */
  appInfo: AppInfo | null
  setAppInfo: (appInfo: AppInfo) => void
}

/** The mirror of main's settings; the form writes through `settings:update`, never here. */
export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => ({
  settings: null,
  setSettings: (settings) => set({ settings }),
  appInfo: null,
  setAppInfo: (appInfo) => set({ appInfo }),
})

/** What the shell can do, as the settings need to know it: only what works there is shown. */
export interface ShellOffers {
  /** A native folder dialog (the app); otherwise folders are named inside the server's roots. */
  folderDialog: boolean
  /** The OS's login items: the app only; a browser cannot start a daemon at login. */
  startAtLogin: boolean
  /** A tray to close into: the app only; closing a browser tab leaves `pinpoint serve` running anyway. */
  closeToTray: boolean
  /** The OS's notifications, which only the app's shell sends; `pinpoint serve` sends none. */
  notifications: boolean
}

/** From `app:info`; until it answers, nothing shell-specific is offered, so no switch shows that then vanishes. */
export function shellOffers(appInfo: AppInfo | null): ShellOffers {
  const desktop = appInfo?.shell === 'desktop'
  return {
    folderDialog: appInfo?.shell !== 'serve',
    startAtLogin: desktop,
    closeToTray: desktop,
    notifications: desktop,
  }
}
