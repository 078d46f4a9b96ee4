import type { TransferState } from '../../shared/domain.ts'
import type { TransferView } from '../../shared/transfer.ts'
import type { Sort } from '../table-prefs.ts'
import type { AppState } from './app-state.ts'
import type { Filter } from './ui-slice.ts'
import { redactUrl } from '../../shared/redact-url.ts'

const FILTER_STATES: Record<Exclude<Filter, 'all'>, ReadonlySet<TransferState>> = {
  active: new Set(['connecting', 'downloading', 'verifying', 'finalizing']),
  queued: new Set(['queued']),
  paused: new Set(['paused']),
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
    return last === undefined ? redactUrl(view.url) : decodeURIComponent(last)
  } catch {
    return redactUrl(view.url)
  }
}

/**
 * The ids the table shows: filtered, then in the chosen sort or else in queue order. Use with `useShallow`, so an
 * unchanged list keeps its identity; the last answer is kept, so the many selectors that ask per store change
 * cost one comparison of their inputs.
 */
export function visibleIds(s: AppState): number[] {
  const { filter, search } = s.ui
  const { sort } = s.ui.table
  const { order, byId } = s.transfers
  const last = lastVisible
  if (
    last !== null &&
    last.order === order &&
    last.filter === filter &&
    last.search === search &&
    last.sort === sort &&
    (last.byId === byId || (filter === 'all' && search.trim() === '' && sort === null))
  ) {
    return last.ids
  }
  const filtered = filterIds(s)
  const ids = sort === null ? filtered : sortIds(filtered, byId, sort)
  lastVisible = { order, byId, filter, search, sort, ids }
  return ids
}

let lastVisible: {
  order: readonly number[]
  byId: AppState['transfers']['byId']
  filter: Filter
  search: string
  sort: Sort
  ids: number[]
} | null = null

function filterIds(s: AppState): number[] {
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

/** Where each state sorts: running first, then waiting, then what rests. */
const STATE_RANK: Readonly<Record<TransferState, number>> = {
  downloading: 0,
  connecting: 1,
  verifying: 2,
  finalizing: 3,
  queued: 4,
  paused: 5,
  failed: 6,
  canceled: 7,
  completed: 8,
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

type SortValue = string | number | null

function sortValue(view: TransferView, key: NonNullable<Sort>['key']): SortValue {
  switch (key) {
    case 'name':
      return displayName(view)
    case 'size':
      return view.total
    case 'progress':
      return view.total === null || view.total === 0 ? null : view.done / view.total
    case 'speed':
      return view.speed
    case 'eta':
      return view.eta
    case 'state':
      return STATE_RANK[view.state]
    case 'connection':
      return view.connection === null ? null : `${view.connection.address} ${view.connection.servername ?? ''}`
    case 'added':
      return view.createdAt
    case 'finished':
      return view.completedAt
    case 'priority':
      return view.priority === 'background' ? 1 : 0
  }
}

/** The last sort's keys and result: a progress batch that left every key alone reuses it without sorting. */
let lastSort: { sort: NonNullable<Sort>; ids: readonly number[]; values: SortValue[]; result: number[] } | null = null

/**
 * Stable: equal keys keep their queue order (the order `ids` come in). Unknown values (no size yet, not finished)
 * go last in either direction.
 */
export function sortIds(
  ids: readonly number[],
  byId: AppState['transfers']['byId'],
  sort: NonNullable<Sort>,
): number[] {
  const values = ids.map((id) => {
    const view = byId[id]
    return view === undefined ? null : sortValue(view, sort.key)
  })
  const prev = lastSort
  if (
    prev !== null &&
    prev.sort === sort &&
    prev.ids.length === ids.length &&
    prev.ids.every((id, i) => id === ids[i]) &&
    prev.values.every((v, i) => v === values[i])
  ) {
    return prev.result
  }
  const sign = sort.dir === 'asc' ? 1 : -1
  const index = ids.map((_, i) => i)
  index.sort((a, b) => {
    const x = values[a] ?? null
    const y = values[b] ?? null
    if (x === null || y === null) return x === y ? a - b : x === null ? 1 : -1
    const c = typeof x === 'string' && typeof y === 'string' ? collator.compare(x, y) : x < y ? -1 : x > y ? 1 : 0
    return c === 0 ? a - b : sign * c
  })
  const result = index.map((i) => ids[i] as number)
  lastSort = { sort, ids: [...ids], values, result }
  return result
}

export interface Totals {
  counts: Readonly<Record<Filter, number>>
  /** Bytes per second over every running transfer. */
  speed: number
  /** Seconds until the running and queued transfers of known size are done at that speed; null when unknown. */
  eta: number | null
}

let lastTotals: { byId: AppState['transfers']['byId']; totals: Totals } | null = null

/** Counts per filter and the overall speed and time left, in one pass; recomputed only when a transfer changed. */
export function totals(s: AppState): Totals {
  const { byId } = s.transfers
  if (lastTotals?.byId === byId) return lastTotals.totals
  const counts: Record<Filter, number> = { all: 0, active: 0, queued: 0, paused: 0, completed: 0, failed: 0 }
  let speed = 0
  let remaining = 0
  for (const view of Object.values(byId)) {
    counts.all++
    for (const f of FILTERS) if (FILTER_STATES[f].has(view.state)) counts[f]++
    if (FILTER_STATES.active.has(view.state)) speed += view.speed
    if ((FILTER_STATES.active.has(view.state) || view.state === 'queued') && view.total !== null) {
      remaining += Math.max(0, view.total - view.done)
    }
  }
  const eta = speed > 0 && remaining > 0 ? remaining / speed : null
  const result: Totals = { counts, speed, eta }
  lastTotals = { byId, totals: result }
  return result
}

const FILTERS = Object.keys(FILTER_STATES) as Array<Exclude<Filter, 'all'>>
