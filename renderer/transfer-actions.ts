import type { TransferState } from '../shared/domain.ts'
import { command, reportOpen } from './commands.ts'
import { appStore } from './store/index.ts'

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
