import type { Input, Output, RequestChannel } from '../shared/ipc.ts'
import { api } from './api.ts'
import { messageOf } from './store/bootstrap.ts'
import { appStore } from './store/index.ts'

/**
 * Invoke a channel; a rejection becomes a notice and `undefined`.
 *
 * Expected failures come back as data; a rejected invoke means a bug or a bad input, which the user should
 * see rather than have the click silently do nothing.
 */
export async function command<C extends RequestChannel>(channel: C, input: Input<C>): Promise<Output<C> | undefined> {
  try {
    return await api.invoke(channel, input)
  } catch (err) {
    appStore.getState().pushNotice({ level: 'error', message: `${channel} failed: ${messageOf(err)}` })
    return undefined
  }
}

/** Report an `{ ok, reason }` answer (reveal, open) that did not work out. */
export function reportOpen(result: Output<'transfers:open'> | undefined): void {
  if (result !== undefined && !result.ok) {
    appStore.getState().pushNotice({ level: 'warning', message: result.reason ?? 'could not open it' })
  }
}
