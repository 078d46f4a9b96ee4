import type { StateCreator } from 'zustand'

import type { Settings } from '../../shared/settings.ts'
import type { AppState } from './app-state.ts'

export interface SettingsSlice {
  /** null until `settings:get` answers (or `settings:changed` arrives). */
  settings: Settings | null
  setSettings: (settings: Settings) => void
}

/** The mirror of main's settings; the form writes through `settings:update`, never here. */
export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => ({
  settings: null,
  setSettings: (settings) => set({ settings }),
})
