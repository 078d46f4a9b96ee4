import type { TransferState } from '../shared/domain.ts'
import { MAX_URLS } from '../shared/links.ts'
import type { TransferView } from '../shared/transfer.ts'
import { actionState, type ActionContext, type ActionKey } from './action-rules.ts'
import { command, reportOpen } from './commands.ts'
import { placeRows, reorderIds, stepRows, toTop, type Edge } from './queue-order.ts'
import type { AppState } from './store/app-state.ts'
import { appStore } from './store/index.ts'
import { selectedIds, visibleIds } from './store/visible.ts'
import { COLUMNS } from './table-prefs.ts'
import { askRefreshLink } from './refresh-link-request.ts'

/** States a pause applies to; Space pauses when any selected transfer is in one, and resumes otherwise. */
const PAUSABLE: ReadonlySet<TransferState> = new Set(['queued', 'connecting', 'downloading'])

export const pause = (ids: number[]) => command('transfers:pause', { ids })
export const resume = (ids: number[]) => command('transfers:resume', { ids })
export const retry = (ids: number[]) => command('transfers:retry', { ids })
export const startAnyway = (ids: number[]) => command('transfers:startAnyway', { ids })
export const cancel = (ids: number[]) => command('transfers:cancel', { ids })
export const remove = (ids: number[], deleteFile: boolean) => command('transfers:remove', { ids, deleteFile })
export const reveal = async (id: number) => reportOpen(await command('transfers:reveal', { id }))
export const open = async (id: number) => reportOpen(await command('transfers:open', { id }))

export function togglePause(ids: number[]): void {
  const { byId } = appStore.getState().transfers
  const running = ids.some((id) => {
    const state = byId[id]?.state
    return state !== undefined && PAUSABLE.has(state)
  })
  void (running ? pause(ids) : resume(ids))
}

/** Ask first: removing can also delete the file, which cannot be undone. */
export function askRemove(ids: number[]): void {
  if (ids.length > 0) appStore.getState().openRemove(ids)
}

/**
 * Ask main for a new queue order; the list changes when main reports the new positions, never before.
 *
 * The channel takes at most MAX_URLS ids, which bounds how deep into a long queue a move can reach.
 */
async function reorderTo(next: readonly number[]): Promise<void> {
  const ids = reorderIds(appStore.getState().transfers.order, next)
  if (ids === null) return
  if (ids.length > MAX_URLS) {
    appStore
      .getState()
      .pushNotice({ level: 'warning', message: `Only the first ${MAX_URLS} downloads can be reordered.` })
    return
  }
  await command('transfers:reorder', { ids })
}

/** Drop dragged rows just before or after `target`. */
export function dropRows(ids: readonly number[], target: number, edge: Edge): Promise<void> {
  return reorderTo(placeRows(appStore.getState().transfers.order, ids, target, edge))
}

/** Move the selection one row up or down among the rows shown, or to the top of the queue. */
export function moveSelection(where: 'top' | 'up' | 'down'): Promise<void> {
  const s = appStore.getState()
  const { order } = s.transfers
  if (where === 'top') return reorderTo(toTop(order, s.ui.selected))
  return reorderTo(stepRows(order, visibleIds(s), s.ui.selected, where === 'up' ? -1 : 1))
}

/**
 * Put the selected transfers' links on the clipboard, one per line.
 *
 * Through a `copy` event rather than the async clipboard API: the app's window denies permission requests, and
 * a copy started by the user's own click or key needs none.
 */
export function copyLinks(ids: readonly number[]): void {
  const { byId } = appStore.getState().transfers
  const text = ids
    .map((id) => byId[id]?.url)
    .filter((u): u is string => u !== undefined)
    .join('\n')
  if (text === '') return
  const onCopy = (e: ClipboardEvent) => {
    e.clipboardData?.setData('text/plain', text)
    e.preventDefault()
  }
  document.addEventListener('copy', onCopy)
  try {
    if (!document.execCommand('copy')) throw new Error('refused')
  } catch {
    appStore.getState().pushNotice({ level: 'warning', message: 'Could not copy the link to the clipboard.' })
  } finally {
    document.removeEventListener('copy', onCopy)
  }
}

/** What the toolbar and the menus need to decide: the selected views and the context of the window. */
export function actionContext(s: AppState): ActionContext {
  const sort = s.ui.table.sort
  return { notHere: s.appInfo?.revealUnavailable ?? null, sortedBy: sort === null ? null : COLUMNS[sort.key].label }
}

export function selectedViews(s: AppState): TransferView[] {
  return selectedIds(s)
    .map((id) => s.transfers.byId[id])
    .filter((v): v is TransferView => v !== undefined)
}

/** Run an action on the current selection, if it applies (a shortcut may ask for one that does not). */
export function runAction(key: ActionKey): void {
  const s = appStore.getState()
  const views = selectedViews(s)
  if (!actionState(key, views, actionContext(s)).enabled) return
  const ids = views.map((v) => v.id)
  const one = ids.length === 1 ? ids[0] : undefined
  switch (key) {
    case 'pause':
      return void pause(ids)
    case 'resume':
      return void resume(ids)
    case 'retry':
      return void retry(ids)
    case 'cancel':
      return void cancel(ids)
    case 'remove':
      return askRemove(ids)
    case 'move-top':
      return void moveSelection('top')
    case 'move-up':
      return void moveSelection('up')
    case 'move-down':
      return void moveSelection('down')
    case 'reveal':
      if (one !== undefined) void reveal(one)
      return
    case 'open':
      if (one !== undefined) void open(one)
      return
    case 'copy-link':
      return copyLinks(ids)
    case 'start-anyway':
      return void startAnyway(ids)
    case 'refresh-link':
      if (one !== undefined) askRefreshLink(one)
      return
  }
}
