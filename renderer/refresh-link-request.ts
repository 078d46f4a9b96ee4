import { useSyncExternalStore } from 'react'

/**
 * Which download the "Refresh link…" dialog is open for, or null. Kept apart from the app store: the row menu,
 * the toolbar's shortcuts and the details pane open it, and only the dialog reads it.
 */
let openFor: number | null = null
const listeners = new Set<() => void>()

function set(next: number | null): void {
  openFor = next
  for (const l of listeners) l()
}

export const askRefreshLink = (id: number): void => set(id)
export const closeRefreshLink = (): void => set(null)

export function useRefreshLinkRequest(): number | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    () => openFor,
  )
}
