import { useId, useState } from 'react'

import type { FailureInfo } from '../../shared/errors.ts'
import { checkDownloadUrl } from '../../shared/links.ts'
import { command } from '../commands.ts'
import { errorText } from '../error-text.ts'
import { closeRefreshLink, useRefreshLinkRequest } from '../refresh-link-request.ts'
import { useStore } from '../store/index.ts'
import { appStore } from '../store/index.ts'
import { displayName } from '../store/visible.ts'
import { Modal } from './modal.tsx'
import './refresh-link-dialog.css'
import { redactUrl } from '../../shared/redact-url.ts'

/** The dialog, when one is asked for: mounted once at the app's root. */
export function RefreshLinkHost() {
  const id = useRefreshLinkRequest()
  return id === null ? null : <RefreshLinkDialog key={id} id={id} />
}

/**
 * Give a paused or failed download a new link (its signed URL expired). Main takes it only when it serves the
 * same file, so the bytes already downloaded are kept; a refusal is shown here with main's reason, and the
 * download is left exactly as it was.
 */
function RefreshLinkDialog({ id }: { id: number }) {
  const fieldId = useId()
  const view = useStore((s) => s.transfers.byId[id])
  const [url, setUrl] = useState('')
  const [busy, setBusy] = useState(false)
  const [refused, setRefused] = useState<FailureInfo | null>(null)
  const check = url.trim() === '' ? undefined : checkDownloadUrl(url)
  const submit = async () => {
    if (check?.ok !== true || busy) return
    setBusy(true)
    setRefused(null)
    const result = await command('transfers:refreshUrl', { id, url: check.url })
    setBusy(false)
    if (result === undefined) return
    if (!result.ok) return setRefused(result.error)
    closeRefreshLink()
    appStore.getState().pushNotice({
      level: 'info',
      message: `New link kept for ${view === undefined ? 'the download' : displayName(view)}: resume it to continue.`,
    })
  }
  return (
    <Modal testId="refresh-link-dialog" title="Refresh link" onClose={closeRefreshLink}>
      <p className="muted">
        Paste a new link to the same file, for example a freshly signed one. It is used only if it serves the same file:
        the same size, and the same version or the same bytes as those already downloaded, which are kept.
      </p>
      {view !== undefined && (
        <p className="refresh-link-current" data-testid="refresh-link-current">
          <strong>{displayName(view)}</strong>
          <br />
          <span className="muted">{redactUrl(view.url)}</span>
        </p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <div className="field-grid">
          <label htmlFor={fieldId}>New link</label>
          <input
            id={fieldId}
            data-testid="refresh-link-url"
            type="url"
            autoFocus
            spellCheck={false}
            value={url}
            aria-invalid={check?.ok === false}
            onChange={(e) => {
              setUrl(e.target.value)
              setRefused(null)
            }}
          />
        </div>
        {check?.ok === false && (
          <p className="form-error" data-testid="refresh-link-invalid">
            {check.reason}
          </p>
        )}
        {refused !== null && (
          <p className="form-error refresh-link-refused" role="alert" data-testid="refresh-link-refused">
            {errorText(refused)}
          </p>
        )}
        {busy && (
          <p role="status" className="muted">
            Checking the new link…
          </p>
        )}
        <div className="dialog-buttons">
          <button
            type="submit"
            className="primary"
            data-testid="refresh-link-save"
            disabled={check?.ok !== true || busy}
          >
            Use this link
          </button>
          <button type="button" data-testid="refresh-link-cancel" onClick={closeRefreshLink}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  )
}
