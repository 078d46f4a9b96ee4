import { appStore, useStore } from '../store/index.ts'
import { remove } from '../transfer-actions.ts'
import { Modal } from './modal.tsx'

/** Remove the chosen transfers, keeping or deleting their files; nothing happens until a button is chosen. */
export function RemoveDialog() {
  const dialog = useStore((s) => s.ui.dialog)
  const close = appStore.getState().closeDialog
  const ids = dialog?.kind === 'remove' ? [...dialog.ids] : []
  const run = (deleteFile: boolean) => {
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
