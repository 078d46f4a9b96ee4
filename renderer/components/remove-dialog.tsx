import { appStore, useStore } from '../store/index.ts'
import { visibleIds } from '../store/visible.ts'
import { remove } from '../transfer-actions.ts'
import { Modal } from './modal.tsx'

/**
 * Remove the chosen transfers, keeping or deleting their files; nothing happens until a button is chosen.
 * Afterwards the keyboard is back on the table: on the row after the removed ones (or before, at the end), or on
 * the same rows when nothing was removed.
 */
export function RemoveDialog() {
  const dialog = useStore((s) => s.ui.dialog)
  const { closeDialog, requestTableFocus } = appStore.getState()
  const ids = dialog?.kind === 'remove' ? [...dialog.ids] : []
  const close = () => {
    closeDialog()
    requestTableFocus()
  }
  const run = (deleteFile: boolean) => {
    const next = neighbour(ids)
    const s = appStore.getState()
    if (next === null) s.setSelection([], null)
    else s.setSelection([next], next)
    close()
    void remove(ids, deleteFile)
  }
  const what = ids.length === 1 ? 'this download' : `these ${ids.length} downloads`
  return (
    <Modal testId="remove-confirm" title={`Remove ${what}?`} onClose={close}>
      <p>Remove {what} from the list. The downloaded file can be kept or deleted.</p>
      <div className="dialog-buttons">
        <button type="button" data-testid="remove-keep-file" autoFocus onClick={() => run(false)}>
          Remove, keep file
        </button>
        <button type="button" className="danger" data-testid="remove-delete-file" onClick={() => run(true)}>
          Remove and delete file
        </button>
        <button type="button" data-testid="remove-cancel" onClick={close}>
          Cancel
        </button>
      </div>
    </Modal>
  )
}

/** The first row shown after the last removed one that stays, else the nearest before it. */
function neighbour(removed: readonly number[]): number | null {
  const gone = new Set(removed)
  const shown = visibleIds(appStore.getState())
  let last = -1
  shown.forEach((id, i) => {
    if (gone.has(id)) last = i
  })
  for (let i = last + 1; i < shown.length; i++) if (!gone.has(shown[i] as number)) return shown[i] as number
  for (let i = last - 1; i >= 0; i--) if (!gone.has(shown[i] as number)) return shown[i] as number
  return null
}
