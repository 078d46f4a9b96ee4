import { memo, type DragEvent, type MouseEvent } from 'react'

import { formatBytes, formatEta, formatPercent, formatRetry, formatSpeed } from '../../shared/format.ts'
import type { RetryInfo } from '../../shared/transfer.ts'
import { errorText } from '../error-text.ts'
import { useClock } from '../hooks/use-clock.ts'
import { ROW_DRAG_TYPE, type Edge } from '../queue-order.ts'
import { appStore, useStore } from '../store/index.ts'
import { displayName, selectedIds } from '../store/visible.ts'
import { ConnectionBadge } from './connection-badge.tsx'

interface RowProps {
  id: number
  /** Pixel offset from the virtualizer; set through CSSOM (the CSP forbids style attributes in markup). */
  top: number
  ids: readonly number[]
  /** Where dragged rows would land if dropped now, relative to this row. */
  dropEdge?: Edge | undefined
}

/** Rows that wait their turn: only these are dragged, as the queue order decides only what runs next. */
const WAITING = new Set(['queued', 'paused'])

/** One transfer; it subscribes to its own view and selection flag only, so other rows' progress skips it. */
export const TransferRow = memo(function TransferRow({ id, top, ids, dropEdge }: RowProps) {
  const view = useStore((s) => s.transfers.byId[id])
  const selected = useStore((s) => s.ui.selected.has(id))
  const focused = useStore((s) => s.ui.focus === id)
  if (view === undefined) return null

  const onClick = (e: MouseEvent) => {
    const mode = e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'replace'
    appStore.getState().select(id, mode, ids)
  }
  // A drag carries the selection when it starts on a selected row, else just this row (which becomes selected).
  const onDragStart = (e: DragEvent) => {
    const s = appStore.getState()
    const moving = s.ui.selected.has(id) ? selectedIds(s) : [id]
    if (!s.ui.selected.has(id)) s.select(id, 'replace', ids)
    e.dataTransfer.setData(ROW_DRAG_TYPE, JSON.stringify(moving))
    e.dataTransfer.effectAllowed = 'move'
  }
  const name = displayName(view)
  const draggable = WAITING.has(view.state)
  const percent = formatPercent(view.done, view.total)
  // Waiting to retry is not moving: the row says when and why instead of a speed of zero.
  const running = (view.state === 'downloading' || view.state === 'connecting') && view.retry === null
  return (
    <div
      id={`transfer-${id}`}
      className={`transfer-row${selected ? ' selected' : ''}${focused ? ' focused' : ''}${dropEdge ? ` drop-${dropEdge}` : ''}`}
      data-testid="transfer-row"
      data-id={id}
      data-state={view.state}
      role="option"
      aria-selected={selected}
      style={{ transform: `translateY(${top}px)` }}
      onMouseDown={(e) => e.shiftKey && e.preventDefault()}
      onClick={onClick}
      draggable={draggable}
      onDragStart={draggable ? onDragStart : undefined}
    >
      <div className="row-main">
        <span className="row-name" title={view.url}>
          {name}
        </span>
        {view.retry === null ? (
          <span className={`state-chip state-${view.state}`}>{view.state}</span>
        ) : (
          // Between attempts nothing is connecting: the chip says the transfer waits, the text below for what.
          <span className="state-chip state-waiting" data-testid="state-chip">
            waiting to retry
          </span>
        )}
      </div>
      <progress
        className="row-progress"
        max={view.total ?? 1}
        value={view.total === null ? undefined : Math.min(view.done, view.total)}
        aria-label={`${name}: ${percent}`}
      />
      <div className="row-figures">
        <span className="row-size">
          {view.total === null ? formatBytes(view.done) : `${formatBytes(view.done)} of ${formatBytes(view.total)}`}
        </span>
        <span className="row-percent">{percent}</span>
        <span className="row-speed">{running ? formatSpeed(view.speed) : ''}</span>
        <span className="row-eta">{running ? formatEta(view.eta) : ''}</span>
        <ConnectionBadge id={id} />
        {view.retry !== null && <RetryText retry={view.retry} />}
        {view.error !== null && (
          <span className="transfer-error" data-testid="transfer-error" title={view.error.message}>
            {errorText(view.error)}
          </span>
        )}
      </div>
    </div>
  )
})

/** When the next attempt comes, which of how many, and why the last failed; counts down while it waits. */
function RetryText({ retry }: { retry: RetryInfo }) {
  const now = useClock()
  return (
    <span className="transfer-retry" data-testid="transfer-retry" title={retry.error.message}>
      {formatRetry(retry, now)}
    </span>
  )
}
