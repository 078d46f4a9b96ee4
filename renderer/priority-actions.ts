import type { Priority } from '../shared/priority.ts'
import type { TransferView } from '../shared/transfer.ts'
import { command } from './commands.ts'
import { priorityOf } from './priority-words.ts'
import type { MenuItem } from './components/menu.tsx'

/** Give the selected transfers a priority; the table changes when main reports it, never before. */
export const setPriority = (ids: number[], priority: Priority) => command('transfers:setPriority', { ids, priority })

/**
 * The context menu's priority items: each offered when some of the selection has the other priority, and
 * disabled with the reason when all of it has this one already.
 */
export function priorityMenuItems(views: readonly TransferView[]): MenuItem[] {
  const ids = views.map((v) => v.id)
  const item = (priority: Priority, label: string, separated: boolean): MenuItem => {
    const enabled = views.some((v) => priorityOf(v) !== priority)
    return {
      key: `priority-${priority}`,
      label,
      disabled: !enabled,
      reason: views.length === 1 ? `Already ${priority}` : `All already ${priority}`,
      ...(separated ? { separated } : {}),
      onSelect: () => void setPriority(ids, priority),
    }
  }
  return [item('background', 'Download in background', true), item('normal', 'Download at normal priority', false)]
}
