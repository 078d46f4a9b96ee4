import type { TransferState } from '../../shared/domain.ts'
import type { TransferView } from '../../shared/transfer.ts'
import type { AppState } from './app-state.ts'
import type { Filter } from './ui-slice.ts'

const FILTER_STATES: Record<Exclude<Filter, 'all'>, ReadonlySet<TransferState>> = {
  active: new Set(['connecting', 'downloading', 'verifying', 'finalizing']),
  queued: new Set(['queued', 'paused']),
  completed: new Set(['completed']),
  failed: new Set(['failed', 'canceled']),
}

export function matchesFilter(view: TransferView, filter: Filter): boolean {
  return filter === 'all' || FILTER_STATES[filter].has(view.state)
}

/** The name a row shows: the file name once known, else the URL's last path segment, else the URL. */
export function displayName(view: Pick<TransferView, 'name' | 'url'>): string {
  if (view.name !== null && view.name !== '') return view.name
  try {
    const last = new URL(view.url).pathname.split('/').filter(Boolean).pop()
    return last === undefined ? view.url : decodeURIComponent(last)
  } catch {
    return view.url
  }
}

/** The ids the list shows, in queue order; use with `useShallow` so an unchanged list keeps its identity. */
export function visibleIds(s: AppState): number[] {
  const { filter, search } = s.ui
  const needle = search.trim().toLowerCase()
  if (filter === 'all' && needle === '') return s.transfers.order as number[]
  const out: number[] = []
  for (const id of s.transfers.order) {
    const view = s.transfers.byId[id]
    if (view === undefined || !matchesFilter(view, filter)) continue
    if (needle !== '' && !displayName(view).toLowerCase().includes(needle) && !view.url.toLowerCase().includes(needle))
      continue
    out.push(id)
  }
  return out
}

/** The selected ids that still exist, in queue order. */
export function selectedIds(s: AppState): number[] {
  if (s.ui.selected.size === 0) return []
  return s.transfers.order.filter((id) => s.ui.selected.has(id))
}
