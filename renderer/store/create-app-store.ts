import { createStore, type StoreApi } from 'zustand/vanilla'

import type { AppState } from './app-state.ts'
import { createHostsSlice } from './hosts-slice.ts'
import { createSettingsSlice } from './settings-slice.ts'
import { createTransfersSlice } from './transfers-slice.ts'
import { createUiSlice } from './ui-slice.ts'

export type AppStore = StoreApi<AppState>

/** A fresh store; the window has one (store/index.ts), and each test makes its own. */
export function createAppStore(): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createTransfersSlice(...a),
    ...createHostsSlice(...a),
    ...createSettingsSlice(...a),
    ...createUiSlice(...a),
  }))
}
