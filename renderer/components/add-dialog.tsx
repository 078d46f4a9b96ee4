import { useEffect, useId, useState } from 'react'

import type { DuplicateChoice, PreviewItem } from '../../shared/ipc.ts'
import { limits } from '../../shared/limits.ts'
import { duplicateChoices, firstBadName, previewNote, skippedCount } from '../add-request.ts'
import { command } from '../commands.ts'
import { signatureOption } from '../signature-input.ts'
import { appStore, useStore } from '../store/index.ts'
import type { ParsedLinks } from '../store/ui-slice.ts'
import { AddCheckResult } from './add-check-result.tsx'
import { AddPreviewList } from './add-preview-list.tsx'
import { Modal } from './modal.tsx'
import { SignatureFields } from './signature-fields.tsx'
import { HeaderCookieFields } from './header-cookie-fields.tsx'
import { headerCookieOptions } from '../header-cookie-input.ts'
import { describeOfferSource } from '../offer-source.ts'
import { nameFolder, RootFolderPicker, type RootChoice } from './root-folder-picker.tsx'

/** A host's best nodes a download is spread over when asked (its measured ranking, else its rule's addresses). */
const SPREAD_NODES = 3

/** How long typing pauses before the list is checked on its own. */
const CHECK_DELAY_MS = 300

async function check(text: string): Promise<ParsedLinks | undefined> {
  const parsed = await command('links:parse', { text, kind: 'lines' })
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
 * "Check" also asks main to preview each URL (`transfers:preview`): the name (renamable here), the size and the
 * connection its server answered over. A URL already in the list is never added silently: it is previewed
 * before adding, and offers Skip (the default), Download again (under the name shown) or Resume the existing
 * one; the choice travels in the add request, and anything in the list that was not shown is skipped.
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
  const [signature, setSignature] = useState('')
  const [publisherKey, setPublisherKey] = useState('')
  const [spread, setSpread] = useState(false)
  const [headers, setHeaders] = useState('')
  const [cookies, setCookies] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const [addRejected, setAddRejected] = useState<ParsedLinks['rejected']>([])
  const [preview, setPreview] = useState<{ text: string; items: PreviewItem[] } | null>(null)
  const [previewing, setPreviewing] = useState(false)
  const [names, setNames] = useState<Record<string, string>>({})
  const [choices, setChoices] = useState<Record<string, DuplicateChoice>>({})
  // What a drop brought that was not a link (a `javascript:` href, a photo) is only in the check it opened with,
  // since the list holds the links alone: kept, so checking the list again does not make them vanish.
  const [opened] = useState(() => draft.checked)
  const ids = { urls: useId(), split: useId(), checksum: useId(), paused: useId(), spread: useId() }

  const current = draft.checkedText === draft.text ? draft.checked : null
  const previewed = preview !== null && preview.text === draft.text ? preview.items : null
  useEffect(() => {
    if (draft.text.trim() === '' || draft.checkedText === draft.text) return
    const timer = setTimeout(() => void check(draft.text), CHECK_DELAY_MS)
    return () => clearTimeout(timer)
  }, [draft.text, draft.checkedText])

  const chooseFolder = async () => {
    const chosen = await command('dialog:chooseFolder', {})
    if (chosen) setFolder(chosen)
  }

  /** Ask main what each URL is; bounded there in time, so the dialog never waits for ever. */
  const runPreview = async (text: string, parsed: ParsedLinks): Promise<void> => {
    if (parsed.urls.length === 0) return
    setPreviewing(true)
    try {
      const items = await command('transfers:preview', {
        urls: parsed.urls,
        ...(folder === null ? {} : { folder: folder.token }),
      })
      if (items !== undefined) setPreview({ text, items })
    } finally {
      setPreviewing(false)
    }
  }

  const checkNow = async () => {
    const text = draft.text
    const parsed = await check(text)
    if (parsed !== undefined) await runPreview(text, parsed)
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
        if (parsed.duplicates.length > 0) await runPreview(draft.text, parsed)
        if (parsed.rejected.length > 0 || parsed.duplicates.length > 0) return
      }
      if (parsed.urls.length === 0) return setError('There are no http or https links to add.')
      // A URL already in the list shows its choice (and the name "again" gives it) before anything is added.
      if (parsed.duplicates.length > 0 && previewed === null) return await runPreview(draft.text, parsed)
      const badName = firstBadName(parsed.urls, names)
      if (badName !== undefined) return setError(`File name for ${badName.url}: ${badName.reason}`)
      const each = duplicateChoices(parsed.urls, previewed ?? [], names, choices)
      const signed = signatureOption(signature, publisherKey)
      if (!signed.ok) return setError(signed.reason)
      const extras = headerCookieOptions(headers, cookies)
      if (!extras.ok) return setError(extras.reason)
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
          ...(spread ? { nodesSpread: SPREAD_NODES } : {}),
          duplicate: 'skip',
          ...(each.length === 0 ? {} : { each }),
          ...(signed.value === undefined ? {} : { signature: signed.value }),
          ...extras.value,
        },
        ...(draft.offer === undefined ? {} : { offer: draft.offer }),
      })
      if (result === undefined) return
      if (result.rejected.length > 0) {
        setAddRejected(result.rejected)
        setError(`${result.added.length} added; ${result.rejected.length} could not be added.`)
        return
      }
      const added = result.added.map((t) => t.id)
      const store = appStore.getState()
      const skipped = result.skipped ?? []
      if (skipped.length > 0) {
        const list = skipped.map((s) => s.reason).join('; ')
        store.pushNotice({ level: 'info', message: `Skipped ${skipped.length}, already in the list: ${list}` })
      }
      store.setTab('transfers')
      store.showAdded(added)
      close()
    } finally {
      setBusy(false)
    }
  }

  const count = current?.urls.length ?? 0
  const toAdd = count - skippedCount(previewed, choices)
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
        {draft.offer !== undefined && draft.from !== undefined && (
          <p className="muted" data-testid="add-offer-source">
            {describeOfferSource(draft.from)}
          </p>
        )}
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
            disabled={draft.text.trim() === '' || previewing}
            onClick={() => void checkNow()}
          >
            Check
          </button>
          <span className="muted" aria-live="polite" data-testid="add-status">
            {previewing
              ? 'Asking the servers…'
              : current === null
                ? draft.text.trim() === ''
                  ? ''
                  : 'Checking…'
                : `${count} link${count === 1 ? '' : 's'} ready${previewNote(previewed, choices)}`}
          </span>
        </div>
        <AddCheckResult
          parsed={current}
          addRejected={current === opened ? addRejected : [...(opened?.rejected ?? []), ...addRejected]}
        />
        {previewed !== null && (
          <AddPreviewList
            items={previewed}
            names={names}
            onName={(url, name) => setNames((n) => ({ ...n, [url]: name }))}
            choices={choices}
            onChoice={(url, choice) => setChoices((c) => ({ ...c, [url]: choice }))}
          />
        )}

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
              defaultDir={defaultDir}
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
          <SignatureFields
            signature={signature}
            publisherKey={publisherKey}
            onSignature={setSignature}
            onPublisherKey={setPublisherKey}
          />
          <HeaderCookieFields headers={headers} cookies={cookies} onHeaders={setHeaders} onCookies={setCookies} />
          <label htmlFor={ids.paused}>Start paused</label>
          <input
            id={ids.paused}
            data-testid="add-paused"
            type="checkbox"
            checked={paused}
            onChange={(e) => setPaused(e.target.checked)}
          />
          <label htmlFor={ids.spread}>Spread over the {SPREAD_NODES} best nodes</label>
          <input
            id={ids.spread}
            data-testid="add-nodes-spread"
            type="checkbox"
            checked={spread}
            onChange={(e) => setSpread(e.target.checked)}
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
            disabled={busy || previewing || draft.text.trim() === ''}
          >
            {current === null ? 'Check and add' : `Add ${toAdd}`}
          </button>
          <button type="button" data-testid="add-cancel" onClick={close}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  )
}
