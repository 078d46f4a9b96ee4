import { useShallow } from 'zustand/react/shallow'

import { actionState, type ActionKey } from '../action-rules.ts'
import { useStore } from '../store/index.ts'
import { actionContext, runAction, selectedViews } from '../transfer-actions.ts'
import { Menu, type MenuItem } from './menu.tsx'
import { priorityMenuItems } from '../priority-actions.ts'

/** Every action on a selection, in the order the menu lists them; shortcuts as the table takes them. */
export const ACTIONS: ReadonlyArray<{ key: ActionKey; label: string; shortcut?: string; separated?: boolean }> = [
  { key: 'pause', label: 'Pause', shortcut: 'Space' },
  { key: 'resume', label: 'Resume', shortcut: 'Space' },
  { key: 'start-anyway', label: 'Start now anyway' },
  { key: 'retry', label: 'Retry' },
  { key: 'cancel', label: 'Cancel' },
  { key: 'open', label: 'Open', separated: true },
  { key: 'reveal', label: 'Show in folder' },
  { key: 'copy-link', label: 'Copy link', shortcut: 'Control+C' },
  { key: 'move-top', label: 'Move to top of queue', shortcut: 'Alt+Home', separated: true },
  { key: 'move-up', label: 'Move up in queue', shortcut: 'Alt+ArrowUp' },
  { key: 'move-down', label: 'Move down in queue', shortcut: 'Alt+ArrowDown' },
  { key: 'remove', label: 'Remove…', shortcut: 'Delete', separated: true },
  { key: 'refresh-link', label: 'Refresh link…', separated: true },
]

/** The context menu of the selected transfers: every action, the ones that do not apply disabled with why. */
export function TransferMenu({ at, onClose }: { at: { x: number; y: number }; onClose: () => void }) {
  const views = useStore(useShallow(selectedViews))
  const ctx = useStore(useShallow(actionContext))
  const items: MenuItem[] = ACTIONS.map(({ key, label, shortcut, separated }) => {
    const state = actionState(key, views, ctx)
    return {
      key,
      label,
      disabled: !state.enabled,
      reason: state.reason,
      ...(shortcut === undefined ? {} : { shortcut }),
      ...(separated ? { separated } : {}),
      onSelect: () => runAction(key),
    }
  })
  items.push(...priorityMenuItems(views))
  const what = views.length === 1 ? 'download' : `${views.length} downloads`
  return (
    <Menu label={`Actions for the selected ${what}`} testId="transfer-menu" items={items} at={at} onClose={onClose} />
  )
}
