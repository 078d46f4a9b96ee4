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
