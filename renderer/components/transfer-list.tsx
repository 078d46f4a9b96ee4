import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef, type KeyboardEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'

import { useRowDrop } from '../hooks/use-row-drop.ts'
import { appStore, useStore } from '../store/index.ts'
import { selectedIds, visibleIds } from '../store/visible.ts'
import { askRemove, moveSelection, togglePause } from '../transfer-actions.ts'
import { TransferRow } from './transfer-row.tsx'

/** Rows have one fixed height, so nothing is measured and 10,000 rows scroll as smoothly as ten. */
const ROW_HEIGHT = 64

/**
 * The virtualized list: only the rows in view (plus a few) are mounted.
 *
 * The list subscribes to the visible ids only, so a progress batch does not re-render it; each row subscribes
 * to its own transfer. Keyboard: arrows move (Shift extends), Home/End, Ctrl/Cmd+A selects all shown,
 * Space pauses or resumes, Delete asks to remove, and Alt+Up/Down/Home move the selection in the queue, the
 * keyboard's way to do what dragging rows does.
 */
export function TransferList() {
  const ids = useStore(useShallow(visibleIds))
  const focus = useStore((s) => s.ui.focus)
  const scrollRef = useRef<HTMLDivElement>(null)
  // The app does not use the React Compiler, so nothing memoizes the virtualizer's functions out from under it.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey: (index) => ids[index] ?? index,
  })

  const drop = useRowDrop(ids)

  const focusIndex = focus === null ? -1 : ids.indexOf(focus)
  useEffect(() => {
    if (focusIndex !== -1) virtualizer.scrollToIndex(focusIndex, { align: 'auto' })
  }, [focusIndex, virtualizer])

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const { select, setSelection } = appStore.getState()
    const mod = e.ctrlKey || e.metaKey
    const move = (index: number) => {
      const id = ids[Math.max(0, Math.min(ids.length - 1, index))]
      if (id !== undefined) select(id, e.shiftKey ? 'range' : mod ? 'toggle' : 'replace', ids)
    }
    if (e.altKey && e.key === 'ArrowUp') void moveSelection('up')
    else if (e.altKey && e.key === 'ArrowDown') void moveSelection('down')
    else if (e.altKey && e.key === 'Home') void moveSelection('top')
    else if (mod && e.key.toLowerCase() === 'a') setSelection(ids, focus ?? ids[0] ?? null)
    else if (e.key === 'ArrowDown') move(focusIndex + 1)
    else if (e.key === 'ArrowUp') move(focusIndex === -1 ? ids.length - 1 : focusIndex - 1)
    else if (e.key === 'Home') move(0)
    else if (e.key === 'End') move(ids.length - 1)
    else if (e.key === ' ') togglePause(selectedIds(appStore.getState()))
    else if (e.key === 'Delete' || (e.key === 'Backspace' && e.metaKey)) askRemove(selectedIds(appStore.getState()))
    else return
    e.preventDefault()
  }

  return (
    <div
      ref={scrollRef}
      className="transfer-list"
      data-testid="transfer-list"
      role="listbox"
      aria-label="Downloads"
      aria-multiselectable="true"
      aria-activedescendant={focusIndex === -1 ? undefined : `transfer-${focus}`}
      aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown Alt+Home"
      tabIndex={0}
      onKeyDown={onKeyDown}
      onDragOver={drop.onDragOver}
      onDragLeave={drop.onDragLeave}
      onDrop={drop.onDrop}
    >
      {ids.length === 0 ? (
        <EmptyState />
      ) : (
        <div className="transfer-list-inner" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const id = ids[item.index]
            if (id === undefined) return null
            const edge = drop.mark?.id === id ? drop.mark.edge : undefined
            return <TransferRow key={id} id={id} top={item.start} ids={ids} dropEdge={edge} />
          })}
        </div>
      )}
    </div>
  )
}

function EmptyState() {
  const any = useStore((s) => s.transfers.order.length > 0)
  return (
    <div className="empty-state" data-testid="empty-state">
      {any ? (
        <p>No downloads match this filter.</p>
      ) : (
        <p>No downloads yet. Use “Add…” or drop links anywhere on this window.</p>
      )}
    </div>
  )
}
