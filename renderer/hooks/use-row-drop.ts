import { useEffect, useState, type DragEvent } from 'react'

import { isRowDrag, readRowDrag, type Edge } from '../queue-order.ts'
import { dropRows } from '../transfer-actions.ts'

export interface DropMark {
  id: number
  edge: Edge
}

export interface RowDrop {
  /** The row the dragged rows would land next to, for the insertion line; null when nothing is being dragged. */
  mark: DropMark | null
  onDragOver: (e: DragEvent<HTMLElement>) => void
  onDragLeave: (e: DragEvent<HTMLElement>) => void
  onDrop: (e: DragEvent<HTMLElement>) => void
}

/**
 * Dropping rows of the list onto the list: before a row when over its upper half, after it over the lower half,
 * after the last row shown when over the empty space below.
 *
 * Only drags of the rows' own type are taken (anything else goes on to the window's link drop). The target comes
 * from the pointer rather than from the row that started the drag, because the list is virtualized: the source
 * row may have scrolled out and unmounted before the drop.
 */
export function useRowDrop(ids: readonly number[]): RowDrop {
  const [mark, setMark] = useState<DropMark | null>(null)

  useEffect(() => {
    // A drag that ends anywhere else (dropped outside, Escape) must not leave the line behind.
    const clear = () => setMark(null)
    window.addEventListener('dragend', clear)
    window.addEventListener('drop', clear)
    return () => {
      window.removeEventListener('dragend', clear)
      window.removeEventListener('drop', clear)
    }
  }, [])

  const targetOf = (e: DragEvent<HTMLElement>): DropMark | null => {
    const row = e.target instanceof Element ? e.target.closest<HTMLElement>('[data-testid="transfer-row"]') : null
    const id = Number(row?.dataset['id'])
    if (row && Number.isSafeInteger(id)) {
      const box = row.getBoundingClientRect()
      return { id, edge: e.clientY < box.top + box.height / 2 ? 'before' : 'after' }
    }
    const last = ids.at(-1)
    return last === undefined ? null : { id: last, edge: 'after' }
  }

  return {
    mark,
    onDragOver(e) {
      if (!isRowDrag(e.dataTransfer)) return
      e.preventDefault()
      e.dataTransfer.dropEffect = 'move'
      const next = targetOf(e)
      setMark((prev) => (prev?.id === next?.id && prev?.edge === next?.edge ? prev : next))
    },
    onDragLeave(e) {
      if (!isRowDrag(e.dataTransfer)) return
      if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setMark(null)
    },
    onDrop(e) {
      if (!isRowDrag(e.dataTransfer)) return
      e.preventDefault()
      setMark(null)
      const target = targetOf(e)
      const moving = readRowDrag(e.dataTransfer)
      if (target !== null && moving.length > 0) void dropRows(moving, target.id, target.edge)
    },
  }
}
