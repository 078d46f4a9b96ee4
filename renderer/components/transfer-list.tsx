import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useRef, useState, type CSSProperties, type KeyboardEvent, type RefObject } from 'react'
import { useShallow } from 'zustand/react/shallow'

import { actionState, type ActionKey } from '../action-rules.ts'
import { useRowDrop } from '../hooks/use-row-drop.ts'
import { appStore, useStore } from '../store/index.ts'
import { selectedIds, visibleIds } from '../store/visible.ts'
import { gridTemplate, ROW_HEIGHTS, tableWidth } from '../table-prefs.ts'
import { actionContext, askRemove, copyLinks, runAction, selectedViews } from '../transfer-actions.ts'
import { Menu } from './menu.tsx'
import { columnsMenuItems, TableHeader } from './table-header.tsx'
import { TransferMenu } from './transfer-menu.tsx'
import { TransferRow } from './transfer-row.tsx'
import './transfer-table.css'

/** The sticky header's height; the rows start below it. */
const HEADER_HEIGHT = 30

type OpenMenu = { kind: 'rows' | 'columns'; at: { x: number; y: number } } | null

/**
 * The transfers as a dense, virtualized grid: only the rows in view (plus a few) are mounted, all of one height,
 * so nothing is measured and 10,000 rows scroll as smoothly as ten.
 *
 * The table subscribes to the visible ids only, so a progress batch does not re-render it; each row subscribes
 * to its own transfer. The grid keeps the keyboard focus itself and points at the focused row with
 * aria-activedescendant, since a row scrolled out of view is unmounted. Keys: arrows move (Shift extends,
 * Ctrl/Cmd toggles), Page Up/Down, Home/End, Ctrl/Cmd+A selects all shown, Esc selects none, Space pauses or
 * resumes, Delete asks to remove, Ctrl/Cmd+C copies the links, Shift+F10 or the Menu key opens the actions menu,
 * and Alt+Up/Down/Home move the selection in the queue, the keyboard's way to do what dragging rows does.
 */
export function TransferList() {
  const ids = useStore(useShallow(visibleIds))
  const focus = useStore((s) => s.ui.focus)
  const prefs = useStore((s) => s.ui.table)
  const sorted = prefs.sort !== null
  const rowHeight = ROW_HEIGHTS[prefs.density]
  const scrollRef = useRef<HTMLDivElement>(null)
  const [menu, setMenu] = useState<OpenMenu>(null)
  // The app does not use the React Compiler, so nothing memoizes the virtualizer's functions out from under it.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    getItemKey: (index) => ids[index] ?? index,
  })
  useEffect(() => virtualizer.measure(), [rowHeight, virtualizer])

  const drop = useRowDrop(ids)

  const focusIndex = focus === null ? -1 : ids.indexOf(focus)
  useEffect(() => {
    if (focusIndex !== -1) virtualizer.scrollToIndex(focusIndex, { align: 'auto' })
  }, [focusIndex, virtualizer])

  useReturnFocus(scrollRef)

  const openRowMenu = useCallback((at: { x: number; y: number }) => setMenu({ kind: 'rows', at }), [])
  const openColumnsMenu = useCallback((at: { x: number; y: number }) => setMenu({ kind: 'columns', at }), [])
  const closeMenu = useCallback(() => {
    setMenu(null)
    scrollRef.current?.focus()
  }, [])

  /** The menu from the keyboard opens beside the focused row, or at the table's top when none is in view. */
  const openMenuAtFocus = () => {
    const list = scrollRef.current
    if (list === null) return
    const row = focus === null ? null : list.querySelector<HTMLElement>(`#transfer-${focus}`)
    const box = (row ?? list).getBoundingClientRect()
    setMenu({ kind: 'rows', at: { x: box.left + 40, y: row === null ? box.top + HEADER_HEIGHT : box.bottom } })
  }

  /** A shortcut whose action does not apply says why through the live region, rather than doing nothing. */
  const act = (key: ActionKey) => {
    const s = appStore.getState()
    const state = actionState(key, selectedViews(s), actionContext(s))
    if (state.enabled) runAction(key)
    else s.announce(state.reason)
  }

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    // Keys pressed on the header's buttons and grips are theirs.
    if (e.target !== e.currentTarget) return
    const { select, setSelection, clearSelection } = appStore.getState()
    const mod = e.ctrlKey || e.metaKey
    const key = e.key.toLowerCase()
    const page = Math.max(1, Math.floor((e.currentTarget.clientHeight - HEADER_HEIGHT) / rowHeight) - 1)
    const move = (index: number) => {
      const id = ids[Math.max(0, Math.min(ids.length - 1, index))]
      if (id !== undefined) select(id, e.shiftKey ? 'range' : mod ? 'toggle' : 'replace', ids)
    }
    if (e.altKey && e.key === 'ArrowUp') act('move-up')
    else if (e.altKey && e.key === 'ArrowDown') act('move-down')
    else if (e.altKey && e.key === 'Home') act('move-top')
    else if ((e.shiftKey && e.key === 'F10') || e.key === 'ContextMenu') openMenuAtFocus()
    else if (mod && key === 'a') setSelection(ids, focus ?? ids[0] ?? null)
    else if (mod && key === 'c') copyLinks(selectedIds(appStore.getState()))
    else if (e.key === 'Escape') clearSelection()
    else if (e.key === 'ArrowDown') move(focusIndex + 1)
    else if (e.key === 'ArrowUp') move(focusIndex === -1 ? ids.length - 1 : focusIndex - 1)
    else if (e.key === 'PageDown') move(focusIndex + page)
    else if (e.key === 'PageUp') move(focusIndex === -1 ? 0 : focusIndex - page)
    else if (e.key === 'Home') move(0)
    else if (e.key === 'End') move(ids.length - 1)
    else if (e.key === ' ') {
      // Pause what runs or waits; else resume. Neither applying, the reason is said.
      const s = appStore.getState()
      if (actionState('pause', selectedViews(s), actionContext(s)).enabled) runAction('pause')
      else act('resume')
    } else if (e.key === 'Delete' || (e.key === 'Backspace' && e.metaKey)) askRemove(selectedIds(appStore.getState()))
    else return
    e.preventDefault()
  }

  const style = {
    '--table-cols': gridTemplate(prefs),
    '--table-width': `${tableWidth(prefs)}px`,
    '--row-height': `${rowHeight}px`,
  } as CSSProperties
  const margin = virtualizer.options.scrollMargin
  return (
    <div className="transfer-table-wrap">
      <div
        ref={scrollRef}
        className={`transfer-list transfer-table density-${prefs.density}`}
        data-testid="transfer-list"
        role="grid"
        aria-label="Downloads"
        aria-multiselectable="true"
        aria-rowcount={ids.length + 1}
        aria-activedescendant={focusIndex === -1 ? undefined : `transfer-${focus}`}
        aria-keyshortcuts="Shift+F10 Alt+ArrowUp Alt+ArrowDown Alt+Home"
        tabIndex={0}
        style={style}
        onKeyDown={onKeyDown}
        onDragOver={sorted ? undefined : drop.onDragOver}
        onDragLeave={sorted ? undefined : drop.onDragLeave}
        onDrop={sorted ? undefined : drop.onDrop}
      >
        <TableHeader onMenu={openColumnsMenu} />
        {ids.length === 0 ? (
          <EmptyState />
        ) : (
          <div className="table-body" role="rowgroup" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const id = ids[item.index]
              if (id === undefined) return null
              const edge = drop.mark?.id === id ? drop.mark.edge : undefined
              return (
                <TransferRow
                  key={id}
                  id={id}
                  index={item.index}
                  top={item.start - margin}
                  ids={ids}
                  reorderable={!sorted}
                  dropEdge={edge}
                  onMenu={openRowMenu}
                />
              )
            })}
          </div>
        )}
      </div>
      {menu?.kind === 'rows' && <TransferMenu at={menu.at} onClose={closeMenu} />}
      {menu?.kind === 'columns' && (
        <Menu label="Columns" testId="columns-menu" items={columnsMenuItems()} at={menu.at} onClose={closeMenu} />
      )}
    </div>
  )
}

/**
 * After a dialog closes, the keyboard comes back to the table: always when the store asked for it (rows were
 * added or removed), and otherwise when focus was left on nothing (the dialog's element is gone).
 */
function useReturnFocus(ref: RefObject<HTMLDivElement | null>): void {
  const dialog = useStore((s) => s.ui.dialog !== null)
  const tick = useStore((s) => s.ui.focusTick)
  const asked = useRef(tick)
  const hadDialog = useRef(dialog)
  useEffect(() => {
    if (dialog) {
      hadDialog.current = true
      return
    }
    const wanted = asked.current !== tick
    asked.current = tick
    if (!wanted && !hadDialog.current) return
    hadDialog.current = false
    // After the dialog's own close, which may have put the focus back where it was before it opened.
    const frame = requestAnimationFrame(() => {
      const active = document.activeElement
      if (wanted || active === null || active === document.body) ref.current?.focus()
    })
    return () => cancelAnimationFrame(frame)
  }, [dialog, tick, ref])
}

function EmptyState() {
  const any = useStore((s) => s.transfers.order.length > 0)
  return (
    <div className="empty-state" data-testid="empty-state" role="row">
      <p role="gridcell">
        {any
          ? 'No downloads match this filter.'
          : 'No downloads yet. Use “Add…” or drop links anywhere on this window.'}
      </p>
    </div>
  )
}
