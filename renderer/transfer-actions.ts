import type { TransferState } from '../shared/domain.ts'
import { MAX_URLS } from '../shared/links.ts'
import { command, reportOpen } from './commands.ts'
import { placeRows, reorderIds, stepRows, toTop, type Edge } from './queue-order.ts'
import { appStore } from './store/index.ts'
import { visibleIds } from './store/visible.ts'

/** States a pause applies to; Space pauses when any selected transfer is in one, and resumes otherwise. */
const PAUSABLE: ReadonlySet<TransferState> = new Set(['queued', 'connecting', 'downloading'])

export const pause = (ids: number[]) => command('transfers:pause', { ids })
export const resume = (ids: number[]) => command('transfers:resume', { ids })
export const retry = (ids: number[]) => command('transfers:retry', { ids })
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
