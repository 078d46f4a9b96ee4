import { useId, useState } from 'react'

import type { FolderToken } from '../../shared/settings.ts'
import { api } from '../api.ts'
import { command } from '../commands.ts'
import { errorText } from '../error-text.ts'
import { messageOf } from '../store/bootstrap.ts'
import { useStore } from '../store/index.ts'

/** A folder as a browser names it on `pinpoint serve`: one of the server's roots, and a path inside it. */
export interface RootChoice {
  root: number
  sub: string
}

/**
 * Ask main for the folder's token. A refusal (`..`, a symlink leading out, …) comes back as text for the field,
 * not as a notice, since the user has to fix what they typed.
 */
export async function nameFolder(
  choice: RootChoice,
): Promise<{ token: FolderToken; label: string } | { error: string }> {
  try {
    const named = await api.invoke('folders:name', { root: choice.root, sub: choice.sub })
    return named.ok ? named : { error: errorText(named.error) }
  } catch (err) {
    // The contract's own limits (an over-long path) are refused before the handler runs.
    return { error: messageOf(err).replace(/^folders:name: (sub: )?/, '') }
  }
}

interface PickerProps {
  roots: readonly string[]
  /** null = the default download folder, offered only when `defaultLabel` is given. */
  value: RootChoice | null
  onChange: (value: RootChoice | null) => void
  error: string
  defaultLabel?: string
  /** The default folder's path: when it lies inside a root, that root stands for it instead of a second entry. */
  defaultDir?: string
}

/**
 * Where a browser cannot open a folder dialog on the server's machine: pick a root, type a sub-folder.
 *
 * The server checks and creates the folder when it is used, so what is shown here is only ever its answer. The
 * default folder is usually a root (or inside one): it is then that root's entry, marked "(default)", with its
 * sub-folder filled in, rather than a second entry for the same folder.
 */
export function RootFolderPicker({ roots, value, onChange, error, defaultLabel, defaultDir }: PickerProps) {
  const id = useId()
  const offerDefault = defaultLabel !== undefined
  const inRoot = offerDefault && defaultDir !== undefined ? rootOf(defaultDir, roots) : undefined
  // What is on screen: the choice, else the default folder as a root and a sub-folder when it is inside one.
  const shown = value ?? inRoot ?? null
  const subDisabled = shown === null
  const disabledWhy = "the default folder is outside the server's folders: pick one above to name a sub-folder"
  return (
    // Label and field pairs with no wrappers, so inside a form's field grid they line up with its other fields.
    <div className="root-folder-picker">
      <label htmlFor={`${id}-root`}>Folder</label>
      <select
        id={`${id}-root`}
        data-testid="folder-root"
        value={shown === null ? 'default' : String(shown.root)}
        onChange={(e) =>
          onChange(e.target.value === 'default' ? null : { root: Number(e.target.value), sub: shown?.sub ?? '' })
        }
      >
        {offerDefault && inRoot === undefined && <option value="default">{defaultLabel}</option>}
        {roots.map((root, i) => (
          <option key={i} value={i}>
            {inRoot !== undefined && inRoot.root === i && inRoot.sub === '' ? `${root} (default)` : root}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-sub`}>Sub-folder</label>
      <input
        id={`${id}-sub`}
        data-testid="folder-sub"
        placeholder={subDisabled ? 'pick a folder above first' : 'optional, e.g. isos/2024'}
        title={subDisabled ? disabledWhy : undefined}
        spellCheck={false}
        disabled={subDisabled}
        value={shown?.sub ?? ''}
        aria-invalid={error !== ''}
        aria-describedby={`${id}-hint`}
        onChange={(e) => shown !== null && onChange({ root: shown.root, sub: e.target.value })}
      />
      <p id={`${id}-hint`} className={error === '' ? 'muted hint' : 'form-error hint'} data-testid="folder-hint">
        {error !== ''
          ? `Cannot use this folder: ${error}`
          : subDisabled
            ? `Sub-folder: ${disabledWhy}.`
            : 'Saved on the server, inside its download folders; missing sub-folders are created.'}
      </p>
    </div>
  )
}

/** The root that holds `dir` and the rest of the path (the deepest root wins), or undefined when none does. */
function rootOf(dir: string, roots: readonly string[]): RootChoice | undefined {
  let best: RootChoice | undefined
  let bestLength = -1
  roots.forEach((root, i) => {
    const under = dir === root || dir.startsWith(root.endsWith('/') ? root : `${root}/`) || dir.startsWith(`${root}\\`)
    if (under && root.length > bestLength) {
      best = { root: i, sub: dir.slice(root.length).replace(/^[\\/]+/, '') }
      bestLength = root.length
    }
  })
  return best
}

/** The root that holds `dir` and the rest of the path, so the settings open on the folder in use. */
function choiceFor(dir: string, roots: readonly string[]): RootChoice {
  return rootOf(dir, roots) ?? { root: 0, sub: '' }
}

/** The settings' download folder under `pinpoint serve`: a root and a sub-folder, applied with a button. */
export function RootFolderSetting({ downloadDir }: { downloadDir: string }) {
  const roots = useStore((s) => s.appInfo?.roots ?? [])
  const [choice, setChoice] = useState<RootChoice | null>(null)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const shown = choice ?? choiceFor(downloadDir, roots)
  const apply = async () => {
    setBusy(true)
    try {
      const named = await nameFolder(shown)
      if ('error' in named) return setError(named.error)
      setError('')
      if ((await command('settings:update', { downloadFolder: named.token })) !== undefined) setChoice(null)
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="root-folder-setting">
      <RootFolderPicker
        roots={roots}
        value={shown}
        onChange={(next) => {
          setError('')
          setChoice(next)
        }}
        error={error}
      />
      <button type="button" data-testid="set-folder-apply" disabled={busy} onClick={() => void apply()}>
        Use this folder
      </button>
    </div>
  )
}
