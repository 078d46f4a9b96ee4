import { useEffect, useId, useState } from 'react'

import { limits } from '../../shared/limits.ts'
import { command } from '../commands.ts'
import { appStore, useStore } from '../store/index.ts'
import type { ParsedLinks } from '../store/ui-slice.ts'
import { AddCheckResult } from './add-check-result.tsx'
import { Modal } from './modal.tsx'
import { nameFolder, RootFolderPicker, type RootChoice } from './root-folder-picker.tsx'

/** How long typing pauses before the list is checked on its own. */
const CHECK_DELAY_MS = 300

async function check(text: string): Promise<ParsedLinks | undefined> {
  const parsed = await command('links:parse', { text, kind: 'text' })
  if (parsed !== undefined) appStore.getState().setAddChecked(text, parsed)
  return parsed
}

/**
 * Add downloads: paste one URL or a list, see what main will take, then add.
 *
 * The list is checked by `links:parse` (the same parser drops use) while typing, so rejected lines and
 * duplicates are on screen before anything is added. Adding an unchecked list checks it first; if that turns up
 * anything to look at, the dialog stops and shows it, and a second click adds.
 *
 * The folder comes from main's dialog in the app; a browser names one inside the server's roots instead.
 */
export function AddDialog() {
  const draft = useStore((s) => s.ui.addDraft)
  const defaultDir = useStore((s) => s.settings?.downloadDir ?? '')
  const defaultSplit = useStore((s) => s.settings?.split ?? 4)
  const shell = useStore((s) => s.appInfo)
  const close = appStore.getState().closeDialog
  const [folder, setFolder] = useState<{ token: string; label: string } | null>(null)
  // In a browser on `pinpoint serve`: a root and a sub-folder, named (checked, created) only when adding.
  const [place, setPlace] = useState<RootChoice | null>(null)
  const [folderError, setFolderError] = useState('')
  const [split, setSplit] = useState(String(defaultSplit))
  const [checksum, setChecksum] = useState('')
  const [paused, setPaused] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const [addRejected, setAddRejected] = useState<ParsedLinks['rejected']>([])
  const ids = { urls: useId(), split: useId(), checksum: useId(), paused: useId() }

  const current = draft.checkedText === draft.text ? draft.checked : null
  useEffect(() => {
    if (draft.text.trim() === '' || draft.checkedText === draft.text) return
    const timer = setTimeout(() => void check(draft.text), CHECK_DELAY_MS)
    return () => clearTimeout(timer)
  }, [draft.text, draft.checkedText])

  const chooseFolder = async () => {
    const chosen = await command('dialog:chooseFolder', {})
    if (chosen) setFolder(chosen)
  }

  const submit = async () => {
    setError('')
    const splitN = Number(split)
    const { min, max } = limits.split
    if (!Number.isInteger(splitN) || splitN < min || splitN > max) {
      return setError(`Connections: a whole number, ${min} to ${max}`)
    }
    setBusy(true)
    try {
      let parsed = current
      if (parsed === null) {
        parsed = (await check(draft.text)) ?? null
        if (parsed === null) return
        if (parsed.rejected.length > 0 || parsed.duplicates.length > 0) return
      }
      if (parsed.urls.length === 0) return setError('There are no http or https links to add.')
      let token = folder?.token
      if (shell?.shell === 'serve' && place !== null) {
        const named = await nameFolder(place)
        if ('error' in named) return setFolderError(named.error)
        token = named.token
      }
      const result = await command('transfers:add', {
        urls: parsed.urls,
        ...(token === undefined ? {} : { folder: token }),
        options: {
          split: splitN,
          ...(checksum.trim() === '' ? {} : { checksum: checksum.trim() }),
          ...(paused ? { startPaused: true } : {}),
        },
      })
      if (result === undefined) return
      if (result.rejected.length > 0) {
        setAddRejected(result.rejected)
        setError(`${result.added.length} added; ${result.rejected.length} could not be added.`)
        return
      }
      const added = result.added.map((t) => t.id)
      const store = appStore.getState()
      store.setTab('transfers')
      store.showAdded(added)
      close()
    } finally {
      setBusy(false)
    }
  }

  const count = current?.urls.length ?? 0
  const defaultLabel = defaultDir === '' ? 'Default folder' : `${defaultDir} (default)`
  return (
    <Modal testId="add-dialog" title="Add downloads" onClose={close} className="add-dialog">
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <label htmlFor={ids.urls}>Links (one per line, or paste a list)</label>
        <textarea
          id={ids.urls}
          data-testid="add-urls"
          rows={6}
          autoFocus
          spellCheck={false}
          value={draft.text}
          onChange={(e) => appStore.getState().setAddText(e.target.value)}
        />
        <div className="row-buttons">
          <button
            type="button"
            data-testid="add-check"
            disabled={draft.text.trim() === ''}
            onClick={() => void check(draft.text)}
          >
            Check
          </button>
          <span className="muted" aria-live="polite">
            {current === null
              ? draft.text.trim() === ''
                ? ''
                : 'Checking…'
              : `${count} link${count === 1 ? '' : 's'} ready`}
          </span>
        </div>
        <AddCheckResult parsed={current} addRejected={addRejected} />

        {shell?.shell !== 'serve' && (
          <div className="field-row">
            <button type="button" data-testid="choose-folder" onClick={() => void chooseFolder()}>
              Folder…
            </button>
            <span className="folder-label" data-testid="folder-label">
              {folder?.label ?? defaultLabel}
            </span>
          </div>
        )}
        <div className="field-grid">
          {shell?.shell === 'serve' && (
            <RootFolderPicker
              roots={shell.roots}
              value={place}
              onChange={(next) => {
                setFolderError('')
                setPlace(next)
              }}
              error={folderError}
              defaultLabel={defaultLabel}
            />
          )}
          <label htmlFor={ids.split}>Connections</label>
          <input
            id={ids.split}
            data-testid="add-split"
            type="number"
            min={limits.split.min}
            max={limits.split.max}
            value={split}
            onChange={(e) => setSplit(e.target.value)}
          />
          <label htmlFor={ids.checksum}>Checksum</label>
          <input
            id={ids.checksum}
            data-testid="add-checksum"
            placeholder="sha256=…"
            spellCheck={false}
            value={checksum}
            onChange={(e) => setChecksum(e.target.value)}
          />
          <label htmlFor={ids.paused}>Start paused</label>
          <input
            id={ids.paused}
            data-testid="add-paused"
            type="checkbox"
            checked={paused}
            onChange={(e) => setPaused(e.target.checked)}
          />
        </div>
        {error !== '' && (
          <p className="form-error" role="alert" data-testid="add-error">
            {error}
          </p>
        )}
        <div className="dialog-buttons">
          <button
            type="submit"
            className="primary"
            data-testid="add-submit"
            disabled={busy || draft.text.trim() === ''}
          >
            {current === null ? 'Check and add' : `Add ${count}`}
          </button>
          <button type="button" data-testid="add-cancel" onClick={close}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  )
}
