import { useShallow } from 'zustand/react/shallow'

import { useStore } from '../store/index.ts'
import { selectedIds } from '../store/visible.ts'
import { askRemove, cancel, moveSelection, open, pause, resume, retry, reveal } from '../transfer-actions.ts'

/** Actions on the selection; reveal and open act on the focused transfer (or the only selected one). */
export function TransferToolbar() {
  const ids = useStore(useShallow(selectedIds))
  const focus = useStore((s) => (s.ui.focus !== null && s.ui.selected.has(s.ui.focus) ? s.ui.focus : null))
  const one = focus ?? (ids.length === 1 ? ids[0] : undefined)
  const none = ids.length === 0
  // On `pinpoint serve` the files are on the server's disk: there is nothing to show or open on this machine.
  const notHere = useStore((s) => s.appInfo?.revealUnavailable ?? null)
  const local = notHere === null ? {} : { title: notHere }
  return (
    <div className="toolbar" role="toolbar" aria-label="Selected downloads">
      <button type="button" data-testid="action-pause" disabled={none} onClick={() => void pause(ids)}>
        Pause
      </button>
      <button type="button" data-testid="action-resume" disabled={none} onClick={() => void resume(ids)}>
        Resume
      </button>
      <button type="button" data-testid="action-retry" disabled={none} onClick={() => void retry(ids)}>
        Retry
      </button>
      <button type="button" data-testid="action-cancel" disabled={none} onClick={() => void cancel(ids)}>
        Cancel
      </button>
      <button type="button" data-testid="action-remove" disabled={none} onClick={() => askRemove(ids)}>
        Remove…
      </button>
      <MoveButton where="top" label="Move to top of queue" keys="Alt+Home" disabled={none} text="⤒" />
      <MoveButton where="up" label="Move up in queue" keys="Alt+ArrowUp" disabled={none} text="↑" />
      <MoveButton where="down" label="Move down in queue" keys="Alt+ArrowDown" disabled={none} text="↓" />
      <button
        type="button"
        data-testid="action-reveal"
        disabled={one === undefined || notHere !== null}
        {...local}
        onClick={() => one !== undefined && void reveal(one)}
      >
        Show in folder
      </button>
      <button
        type="button"
        data-testid="action-open"
        disabled={one === undefined || notHere !== null}
        {...local}
        onClick={() => one !== undefined && void open(one)}
      >
        Open
      </button>
    </div>
  )
}

interface MoveProps {
  where: 'top' | 'up' | 'down'
  label: string
  keys: string
  disabled: boolean
  text: string
}

/** A queue-order button: an arrow on screen, its full name for assistive technology and as a tooltip. */
function MoveButton({ where, label, keys, disabled, text }: MoveProps) {
  return (
    <button
      type="button"
      data-testid={`action-move-${where}`}
      aria-label={label}
      aria-keyshortcuts={keys}
      title={`${label} (${keys.replace('Arrow', '')})`}
      disabled={disabled}
      onClick={() => void moveSelection(where)}
    >
      <span aria-hidden="true">{text}</span>
    </button>
  )
}
