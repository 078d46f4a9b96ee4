import { useStore as useZustandStore } from 'zustand'

import type { AppState } from './app-state.ts'
import { createAppStore } from './create-app-store.ts'

/** The window's one store. */
export const appStore = createAppStore()

/** Select narrowly: a component re-renders only when what it selected changed (by identity). */
export function useStore<T>(selector: (s: AppState) => T): T {
  return useZustandStore(appStore, selector)
}
