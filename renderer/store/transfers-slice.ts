import type { StateCreator } from 'zustand'

import type { Output, Payload } from '../../shared/ipc.ts'
import type { RetryInfo, TransferView } from '../../shared/transfer.ts'
import type { AppState } from './app-state.ts'

export interface TransfersState {
  byId: Readonly<Record<number, TransferView>>
  /** Ids in queue order (position, then id), as main lists them. */
  order: readonly number[]
  /** The newest change batch applied; older or repeated batches are ignored. */
  seq: number
  loaded: boolean
}

export interface TransfersSlice {
  transfers: TransfersState
  loadTransfers: (snapshot: Output<'transfers:list'>) => void
  applyTransferChanges: (changes: Payload<'transfers:changed'>) => void
}

export const initialTransfers: TransfersState = { byId: {}, order: [], seq: 0, loaded: false }

/**
 * The mirror of main's transfers.
 *
 * Main is the source of truth: this slice only takes snapshots and change batches. Each batch carries a `seq`
 * that grows by one per batch, so a batch the snapshot already includes (or one delivered twice) is skipped.
 * A row whose view did not change keeps its object, and the order array is rebuilt only when membership or a
 * position changed, so a progress batch re-renders only the rows it touched.
 */
export const createTransfersSlice: StateCreator<AppState, [], [], TransfersSlice> = (set) => ({
  transfers: initialTransfers,

  loadTransfers: ({ seq, transfers }) =>
    set((s) => {
      const byId: Record<number, TransferView> = {}
      for (const view of transfers) {
        const old = s.transfers.byId[view.id]
        byId[view.id] = old !== undefined && sameView(old, view) ? old : view
      }
      return { transfers: { byId, order: sortedIds(byId), seq, loaded: true } }
    }),

  applyTransferChanges: ({ seq, patches, removed }) =>
    set((s) => {
      const t = s.transfers
      if (seq <= t.seq) return s
      let byId = t.byId
      let reorder = false
      const writable = (): Record<number, TransferView> => {
        if (byId === t.byId) byId = { ...t.byId }
        return byId as Record<number, TransferView>
      }
      for (const view of patches) {
        const old = byId[view.id]
        if (old !== undefined && sameView(old, view)) continue
        writable()[view.id] = view
        if (old === undefined || old.position !== view.position) reorder = true
      }
      // Removals come after patches: a transfer touched and then removed within one batch is gone.
      for (const id of removed) {
        if (byId[id] === undefined) continue
        delete writable()[id]
        reorder = true
      }
      return { transfers: { ...t, byId, order: reorder ? sortedIds(byId) : t.order, seq } }
    }),
})

function sortedIds(byId: Readonly<Record<number, TransferView>>): number[] {
  return Object.values(byId)
    .sort((a, b) => a.position - b.position || a.id - b.id)
    .map((v) => v.id)
}

/**
 * Field-by-field equality of two views; `error` and `connection` are the nested values, each one level deep, and
 * `retry` is compared with its error.
 */
export function sameView(a: TransferView, b: TransferView): boolean {
  for (const key of Object.keys(b) as Array<keyof TransferView>) {
    if (key === 'error' || key === 'connection') {
      if (!shallowEqual(a[key], b[key])) return false
    } else if (key === 'retry') {
      if (!sameRetry(a.retry, b.retry)) return false
    } else if (a[key] !== b[key]) return false
  }
  return true
}

function sameRetry(a: RetryInfo | null, b: RetryInfo | null): boolean {
  if (a === null || b === null) return a === b
  return a.attempt === b.attempt && a.maxAttempts === b.maxAttempts && a.at === b.at && shallowEqual(a.error, b.error)
}

function shallowEqual(a: object | null, b: object | null): boolean {
  if (a === b) return true
  if (a === null || b === null) return false
  const keys = Object.keys(b)
  if (Object.keys(a).length !== keys.length) return false
  return keys.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k])
}
