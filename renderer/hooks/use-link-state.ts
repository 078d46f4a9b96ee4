import { useSyncExternalStore } from 'react'

import { linkState, onLinkState } from '../api.ts'
import type { LinkState } from '../ws-api.ts'

/** How the link to the daemon stands, re-rendering on each change (always `online` inside Electron). */
export function useLinkState(): LinkState {
  return useSyncExternalStore(onLinkState, linkState)
}
