/**
 * The transfer table's columns, and what the user chose about them: which are shown, how wide, the sort and the
 * density. Kept in localStorage, per window origin; anything unreadable there falls back to the defaults.
 */

export const COLUMN_KEYS = [
  'name',
  'size',
  'progress',
  'speed',
  'eta',
  'state',
  'connection',
  'added',
  'finished',
  'priority',
] as const
export type ColumnKey = (typeof COLUMN_KEYS)[number]

export interface ColumnDef {
  key: ColumnKey
  label: string
  /** Default width in pixels. */
  width: number
  min: number
  max: number
  /** Figures read best right-aligned. */
  numeric?: boolean
}

export const COLUMNS: Readonly<Record<ColumnKey, ColumnDef>> = {
  name: { key: 'name', label: 'Name', width: 260, min: 120, max: 900 },
  size: { key: 'size', label: 'Size', width: 160, min: 60, max: 320, numeric: true },
  // The bar has a width of its own, so on a wide screen it stays a bar rather than a line across the window.
  progress: { key: 'progress', label: 'Progress', width: 120, min: 70, max: 260 },
  speed: { key: 'speed', label: 'Speed', width: 84, min: 60, max: 200, numeric: true },
  eta: { key: 'eta', label: 'Time left', width: 72, min: 50, max: 160, numeric: true },
  state: { key: 'state', label: 'State', width: 170, min: 80, max: 600 },
  connection: { key: 'connection', label: 'Connection', width: 280, min: 90, max: 600 },
  added: { key: 'added', label: 'Added', width: 110, min: 70, max: 240 },
  finished: { key: 'finished', label: 'Finished', width: 110, min: 70, max: 240 },
  priority: { key: 'priority', label: 'Priority', width: 96, min: 70, max: 200 },
}

export type SortDir = 'asc' | 'desc'
/** null: the queue order. */
export type Sort = { key: ColumnKey; dir: SortDir } | null
export type Density = 'compact' | 'comfortable'

export interface TablePrefs {
  /** Shown columns, in display order; the name is always among them. */
  columns: readonly ColumnKey[]
  widths: Readonly<Record<ColumnKey, number>>
  sort: Sort
  density: Density
}

export const ROW_HEIGHTS: Readonly<Record<Density, number>> = { compact: 28, comfortable: 38 }

export function defaultPrefs(): TablePrefs {
  return {
    columns: [...COLUMN_KEYS],
    widths: Object.fromEntries(COLUMN_KEYS.map((k) => [k, COLUMNS[k].width])) as Record<ColumnKey, number>,
    sort: null,
    density: 'compact',
  }
}

const STORAGE_KEY = 'pinpoint.transferTable.v1'

function isKey(k: unknown): k is ColumnKey {
  return typeof k === 'string' && (COLUMN_KEYS as readonly string[]).includes(k)
}

export function clampWidth(key: ColumnKey, width: number): number {
  const { min, max } = COLUMNS[key]
  return Math.round(Math.min(max, Math.max(min, width)))
}

/** Whatever was stored, checked field by field: a bad field costs that field, not the rest. */
export function parsePrefs(raw: unknown): TablePrefs {
  const prefs = defaultPrefs()
  if (typeof raw !== 'object' || raw === null) return prefs
  const r = raw as Record<string, unknown>
  if (Array.isArray(r['columns'])) {
    const cols = [...new Set(r['columns'].filter(isKey))]
    prefs.columns = cols.includes('name') ? cols : ['name', ...cols]
  }
  if (typeof r['widths'] === 'object' && r['widths'] !== null) {
    const widths = { ...prefs.widths }
    for (const [k, v] of Object.entries(r['widths'] as Record<string, unknown>)) {
      if (isKey(k) && typeof v === 'number' && Number.isFinite(v)) widths[k] = clampWidth(k, v)
    }
    prefs.widths = widths
  }
  const sort = r['sort'] as { key?: unknown; dir?: unknown } | null | undefined
  if (sort && isKey(sort.key) && (sort.dir === 'asc' || sort.dir === 'desc'))
    prefs.sort = { key: sort.key, dir: sort.dir }
  if (r['density'] === 'compact' || r['density'] === 'comfortable') prefs.density = r['density']
  return prefs
}

/** localStorage where there is one (the window); tests under Node have none, or one that throws. */
function storage(): Storage | null {
  try {
    const s = (globalThis as { localStorage?: Storage }).localStorage
    return s !== undefined && typeof s.getItem === 'function' ? s : null
  } catch {
    return null
  }
}

export function loadPrefs(): TablePrefs {
  try {
    const text = storage()?.getItem(STORAGE_KEY)
    return text ? parsePrefs(JSON.parse(text)) : defaultPrefs()
  } catch {
    return defaultPrefs()
  }
}

export function savePrefs(prefs: TablePrefs): void {
  try {
    storage()?.setItem(STORAGE_KEY, JSON.stringify(prefs))
  } catch {
    // A full or disabled storage only costs remembering; the table works the same.
  }
}

/** The grid's column template: each shown column at its width, then a filler that takes what is left. */
export function gridTemplate(prefs: TablePrefs): string {
  return `${prefs.columns.map((k) => `${prefs.widths[k]}px`).join(' ')} minmax(0, 1fr)`
}

export function tableWidth(prefs: TablePrefs): number {
  return prefs.columns.reduce((sum, k) => sum + prefs.widths[k], 0)
}
