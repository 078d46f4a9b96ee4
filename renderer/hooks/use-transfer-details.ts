import { useEffect } from 'react'

import type { TransferState } from '../../shared/domain.ts'
import { api } from '../api.ts'
import { appStore, useStore } from '../store/index.ts'

/** How often the details of a running transfer are fetched again; they are a query, not an event. */
const REFRESH_MS = 1000

const RESTING: ReadonlySet<TransferState> = new Set(['completed', 'paused', 'failed', 'canceled'])

/**
 * Keep the focused transfer's details (segments, events, connections) in the store.
 *
 * Fetched when the focus or the transfer's state changes, and every second while it runs. A failed fetch is
 * retried on the next tick rather than shown: the details are secondary and the list still works.
 */
export function useTransferDetails(id: number | null): void {
  const state = useStore((s) => (id === null ? undefined : s.transfers.byId[id]?.state))
  useEffect(() => {
    if (id === null || state === undefined) return
    let stopped = false
    const load = () =>
      api.invoke('transfers:details', { id }).then(
        (data) => {
          if (!stopped) appStore.getState().setDetails(id, data)
        },
        () => undefined,
      )
    void load()
    const timer = RESTING.has(state) ? undefined : setInterval(() => void load(), REFRESH_MS)
    return () => {
      stopped = true
      if (timer !== undefined) clearInterval(timer)
    }
  }, [id, state])
}
