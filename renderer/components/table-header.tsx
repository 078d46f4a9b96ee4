import { memo, useRef, type KeyboardEvent, type MouseEvent, type PointerEvent } from 'react'

import { appStore, useStore } from '../store/index.ts'
import { COLUMN_KEYS, COLUMNS, type ColumnKey } from '../table-prefs.ts'
import type { MenuItem } from './menu.tsx'

/**
 * The header row: a sort button per column (ascending, descending, then the queue order again), a grip on each
 * column's right edge to resize it (by pointer, or by arrow keys on the focused grip), and a button for the
 * columns menu, which right-clicking the header opens too.
 */
export const TableHeader = memo(function TableHeader({ onMenu }: { onMenu: (at: { x: number; y: number }) => void }) {
  const columns = useStore((s) => s.ui.table.columns)
  const sort = useStore((s) => s.ui.table.sort)
  const openMenu = (e: MouseEvent) => {
    e.preventDefault()
    onMenu({ x: e.clientX, y: e.clientY })
  }
  return (
    <div className="table-head" role="rowgroup" onContextMenu={openMenu}>
      <div className="table-row head-row" role="row" aria-rowindex={1} data-testid="table-header">
        {columns.map((key) => {
          const sorted = sort?.key === key ? sort.dir : null
          return (
            <div
              key={key}
              role="columnheader"
              className={`head-cell cell-${key}`}
              aria-sort={sorted === null ? undefined : sorted === 'asc' ? 'ascending' : 'descending'}
              data-testid={`column-${key}`}
            >
              <button
                type="button"
                className="sort-button"
                data-testid={`sort-${key}`}
                title={sortHint(COLUMNS[key].label, sorted)}
                onClick={() => appStore.getState().cycleSort(key)}
              >
                {COLUMNS[key].label}
                <span className="sort-mark" aria-hidden="true">
                  {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                </span>
              </button>
              <ResizeGrip column={key} />
            </div>
          )
        })}
        <div role="columnheader" className="head-cell head-menu" aria-label="Columns">
          <button
            type="button"
            className="icon columns-button"
            data-testid="columns-menu-button"
            aria-label="Columns and density"
            aria-haspopup="menu"
            title="Columns and density"
            onClick={(e) => {
              const box = e.currentTarget.getBoundingClientRect()
              onMenu({ x: box.right - 220, y: box.bottom })
            }}
          >
            <span aria-hidden="true">⋮</span>
          </button>
        </div>
      </div>
    </div>
  )
})

function sortHint(label: string, sorted: 'asc' | 'desc' | null): string {
  if (sorted === null) return `Sort by ${label}`
  return sorted === 'asc'
    ? `Sorted by ${label}, ascending: click for descending`
    : `Sorted by ${label}, descending: click for queue order`
}

/** Dragging the grip sets the column's width live; arrows change it by 10 px, Home puts the default back. */
function ResizeGrip({ column }: { column: ColumnKey }) {
  const width = useStore((s) => s.ui.table.widths[column])
  const start = useRef<{ x: number; width: number } | null>(null)
  const { setColumnWidth } = appStore.getState()
  const def = COLUMNS[column]

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.preventDefault()
    e.stopPropagation()
    e.currentTarget.setPointerCapture(e.pointerId)
    start.current = { x: e.clientX, width }
  }
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (start.current === null) return
    setColumnWidth(column, start.current.width + e.clientX - start.current.x)
  }
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    start.current = null
    e.currentTarget.releasePointerCapture(e.pointerId)
  }
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowRight') setColumnWidth(column, width + 10)
    else if (e.key === 'ArrowLeft') setColumnWidth(column, width - 10)
    else if (e.key === 'Home') setColumnWidth(column, def.width)
    else return
    e.preventDefault()
    e.stopPropagation()
  }
  return (
    <div
      className="resize-grip"
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize ${def.label}`}
      aria-valuenow={width}
      aria-valuemin={def.min}
      aria-valuemax={def.max}
      tabIndex={0}
      data-testid={`resize-${column}`}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onDoubleClick={() => setColumnWidth(column, def.width)}
      onKeyDown={onKeyDown}
      onClick={(e) => e.stopPropagation()}
    />
  )
}

/** The columns menu: a checkbox per column (the name always stays), the density, and a reset. */
export function columnsMenuItems(): MenuItem[] {
  const s = appStore.getState()
  const { columns, density, sort } = s.ui.table
  return [
    ...COLUMN_KEYS.map((key) => ({
      key: `column-${key}`,
      label: COLUMNS[key].label,
      checked: columns.includes(key),
      disabled: key === 'name',
      reason: 'The name is always shown',
      onSelect: () => appStore.getState().toggleColumn(key),
    })),
    {
      key: 'density-compact',
      label: 'Compact rows',
      checked: density === 'compact',
      separated: true,
      onSelect: () => appStore.getState().setDensity('compact'),
    },
    {
      key: 'density-comfortable',
      label: 'Comfortable rows',
      checked: density === 'comfortable',
      onSelect: () => appStore.getState().setDensity('comfortable'),
    },
    {
      key: 'sort-queue',
      label: 'Sort by queue order',
      disabled: sort === null,
      reason: 'Already in queue order',
      separated: true,
      onSelect: () => appStore.getState().setSort(null),
    },
    { key: 'reset-columns', label: 'Reset columns', onSelect: () => appStore.getState().resetTable() },
  ]
}
