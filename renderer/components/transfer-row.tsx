import { memo, type DragEvent, type MouseEvent, type ReactNode } from 'react'

import { formatBytes, formatEta, formatPercent, formatRetry, formatSpeed } from '../../shared/format.ts'
import type { RetryInfo, TransferView } from '../../shared/transfer.ts'
import { scheduleReason } from '../../shared/schedule-reason.ts'
import { errorText } from '../error-text.ts'
import { useClock } from '../hooks/use-clock.ts'
import { ROW_DRAG_TYPE, type Edge } from '../queue-order.ts'
import { isMoving, rowName, stateWords } from '../spoken.ts'
import { appStore, useStore } from '../store/index.ts'
import { displayName, selectedIds } from '../store/visible.ts'
import type { ColumnKey } from '../table-prefs.ts'
import { ConnectionBadge } from './connection-badge.tsx'
import { FileIcon } from './file-icon.tsx'
import { SignatureBadge } from './signature-badge.tsx'
import { PriorityCell } from './priority-cell.tsx'
import { redactUrl } from '../../shared/redact-url.ts'

interface RowProps {
  id: number
  /** Its place among the rows shown, from 0; the header is row 1 for assistive technology. */
  index: number
  /** Pixel offset from the virtualizer; set through CSSOM (the CSP forbids style attributes in markup). */
  top: number
  ids: readonly number[]
  /** Rows can be dragged to reorder the queue only while the table shows the queue order. */
  reorderable: boolean
  /** Where dragged rows would land if dropped now, relative to this row. */
  dropEdge?: Edge | undefined
  /** Right-click: the menu opens for the selection at the pointer. */
  onMenu: (at: { x: number; y: number }) => void
}

/** Rows that wait their turn: only these are dragged, as the queue order decides only what runs next. */
const WAITING = new Set(['queued', 'paused'])

/**
 * One transfer as a row of the grid; it subscribes to its own view, its selection flag and the shown columns,
 * so other rows' progress skips it. Its accessible name says the row in words (see spoken.ts).
 */
export const TransferRow = memo(function TransferRow({ id, index, top, ids, reorderable, dropEdge, onMenu }: RowProps) {
  const view = useStore((s) => s.transfers.byId[id])
  const selected = useStore((s) => s.ui.selected.has(id))
  const focused = useStore((s) => s.ui.focus === id)
  const columns = useStore((s) => s.ui.table.columns)
  if (view === undefined) return null

  const onClick = (e: MouseEvent) => {
    const mode = e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'replace'
    appStore.getState().select(id, mode, ids)
  }
  const onContextMenu = (e: MouseEvent) => {
    e.preventDefault()
    // A right-click outside the selection acts on this row alone, as file managers do.
    if (!appStore.getState().ui.selected.has(id)) appStore.getState().select(id, 'replace', ids)
    onMenu({ x: e.clientX, y: e.clientY })
  }
  // A drag carries the selection when it starts on a selected row, else just this row (which becomes selected).
  const onDragStart = (e: DragEvent) => {
    const s = appStore.getState()
    const moving = s.ui.selected.has(id) ? selectedIds(s) : [id]
    if (!s.ui.selected.has(id)) s.select(id, 'replace', ids)
    e.dataTransfer.setData(ROW_DRAG_TYPE, JSON.stringify(moving))
    e.dataTransfer.effectAllowed = 'move'
  }
  const draggable = reorderable && WAITING.has(view.state)
  return (
    <div
      id={`transfer-${id}`}
      className={`transfer-row${selected ? ' selected' : ''}${focused ? ' focused' : ''}${dropEdge ? ` drop-${dropEdge}` : ''}`}
      data-testid="transfer-row"
      data-id={id}
      data-state={view.state}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      aria-label={rowName(view)}
      style={{ transform: `translateY(${top}px)` }}
      onMouseDown={(e) => e.shiftKey && e.preventDefault()}
      onClick={onClick}
      onContextMenu={onContextMenu}
      draggable={draggable}
      onDragStart={draggable ? onDragStart : undefined}
    >
      {columns.map((key) => (
        <div key={key} role="gridcell" className={`cell cell-${key}`}>
          {cell(key, view)}
        </div>
      ))}
    </div>
  )
})

function cell(key: ColumnKey, view: TransferView): ReactNode {
  switch (key) {
    case 'name': {
      const name = displayName(view)
      return (
        <>
          <FileIcon name={name} />
          <span className="row-name" title={redactUrl(view.url)}>
            {name}
          </span>
          <SignatureBadge view={view} />
        </>
      )
    }
    case 'size':
      return (
        <span className="row-size">
          {view.total === null
            ? view.done > 0
              ? formatBytes(view.done)
              : ''
            : view.state === 'completed'
              ? formatBytes(view.total)
              : `${formatBytes(view.done)} of ${formatBytes(view.total)}`}
        </span>
      )
    case 'progress': {
      const percent = view.total === null ? '' : formatPercent(view.done, view.total)
      return (
        <>
          <ProgressBar view={view} percent={percent} />
          <span className="row-percent">{percent}</span>
        </>
      )
    }
    case 'speed':
      return <span className="row-speed">{isMoving(view) ? formatSpeed(view.speed) : ''}</span>
    case 'eta':
      return <span className="row-eta">{isMoving(view) ? formatEta(view.eta) : ''}</span>
    case 'state':
      return <StateCell view={view} />
    case 'connection':
      return <ConnectionBadge id={view.id} />
    case 'added':
      return <TimeCell at={view.createdAt} />
    case 'finished':
      return <TimeCell at={view.completedAt} />
    case 'priority':
      return <PriorityCell view={view} />
  }
}

/**
 * A thin bar of two spans rather than a `<progress>`, whose shadow tree costs every row mounted while scrolling;
 * the fill is a scale, so progress repaints without layout. Unknown size: an empty bar, not an animation.
 */
function ProgressBar({ view, percent }: { view: TransferView; percent: string }) {
  const fraction = view.total === null || view.total === 0 ? (view.total === 0 ? 1 : 0) : view.done / view.total
  const value = Math.round(Math.min(1, Math.max(0, fraction)) * 1000) / 10
  return (
    <span
      className="row-progress"
      role="progressbar"
      aria-label={`${displayName(view)}: ${percent || 'size unknown'}`}
      aria-valuemin={0}
      aria-valuemax={100}
      {...(view.total === null ? {} : { 'aria-valuenow': value })}
    >
      <span className="row-progress-fill" style={{ transform: `scaleX(${value / 100})` }} />
    </span>
  )
}

/** The state as a chip, and beside it why it failed or when it retries. */
function StateCell({ view }: { view: TransferView }) {
  const chip = stateWords(view)
  return (
    <>
      {view.schedule === undefined ? (
        <span className={`state-chip state-${view.retry === null ? view.state : 'waiting'}`} data-testid="state-chip">
          {chip}
        </span>
      ) : (
        <span className="state-chip state-paused" data-testid="state-chip">
          scheduled
        </span>
      )}
      {view.retry !== null && <RetryText retry={view.retry} />}
      {view.schedule !== undefined && <ScheduleText until={view.schedule.until} />}
      {view.error !== null && view.retry === null && (
        <span className="transfer-error" data-testid="transfer-error" title={view.error.message}>
          {errorText(view.error)}
        </span>
      )}
    </>
  )
}

/**
 * Why a queued transfer waits: a schedule window, and when it lets the transfer run. The cell shows when, beside
 * its "scheduled" chip; the whole reason is its tooltip.
 */
function ScheduleText({ until }: { until: number | null }) {
  const text = scheduleReason(until, useClock())
  return (
    <span className="transfer-retry transfer-schedule" data-testid="transfer-schedule" title={text}>
      {text.replace(/^paused by schedule ?/, '')}
    </span>
  )
}

/** When the next attempt comes, which of how many, and why the last failed; counts down while it waits. */
function RetryText({ retry }: { retry: RetryInfo }) {
  const now = useClock()
  const text = formatRetry(retry, now)
  return (
    <span className="transfer-retry" data-testid="transfer-retry" title={text}>
      {text}
    </span>
  )
}

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const dateAndTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const fullTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' })

/**
 * Formatted times, kept: formatting dates is the costliest thing a row does, and scrolling mounts dozens of rows a
 * frame. Emptied when the day may have changed, since "today" decides the format.
 */
const shownTimes = new Map<number, string>()
let shownDay = ''
let dayCheckedAt = 0

function shownTime(at: number): string {
  const now = Date.now()
  if (now - dayCheckedAt > 60_000) {
    dayCheckedAt = now
    const day = new Date(now).toDateString()
    if (day !== shownDay) shownTimes.clear()
    shownDay = day
  }
  let text = shownTimes.get(at)
  if (text === undefined) {
    const date = new Date(at)
    text = date.toDateString() === shownDay ? timeOnly.format(date) : dateAndTime.format(date)
    if (shownTimes.size > 5000) shownTimes.clear()
    shownTimes.set(at, text)
  }
  return text
}

/** Today's times as a time, older ones with their date; the full date and time in the tooltip, made on hover. */
function TimeCell({ at }: { at: number | null }) {
  if (at === null) return null
  return (
    <span
      className="row-time"
      onMouseEnter={(e) => {
        if (e.currentTarget.title === '') e.currentTarget.title = fullTime.format(new Date(at))
      }}
    >
      {shownTime(at)}
    </span>
  )
}
