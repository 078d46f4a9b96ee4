import { useShallow } from 'zustand/react/shallow'

import { useStore } from '../store/index.ts'
import { selectedIds } from '../store/visible.ts'
import { askRemove, cancel, open, pause, resume, retry, reveal } from '../transfer-actions.ts'

/** Actions on the selection; reveal and open act on the focused transfer (or the only selected one). */
export function TransferToolbar() {
  const ids = useStore(useShallow(selectedIds))
  const focus = useStore((s) => (s.ui.focus !== null && s.ui.selected.has(s.ui.focus) ? s.ui.focus : null))
  const one = focus ?? (ids.length === 1 ? ids[0] : undefined)
  const none = ids.length === 0
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
      <button
        type="button"
        data-testid="action-reveal"
        disabled={one === undefined}
        onClick={() => one !== undefined && void reveal(one)}
      >
        Show in folder
      </button>
      <button
        type="button"
        data-testid="action-open"
        disabled={one === undefined}
        onClick={() => one !== undefined && void open(one)}
      >
        Open
      </button>
    </div>
  )
}
