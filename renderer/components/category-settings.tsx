import { useId, useState } from 'react'

import {
  categoryIds,
  categoryLabels,
  parseExtensions,
  type Categories,
  type CategoryId,
} from '../../shared/categories.ts'
import type { SettingsPatch } from '../../shared/settings.ts'
import { command } from '../commands.ts'
import { useStore } from '../store/index.ts'
import { shellOffers } from '../store/settings-slice.ts'
import { nameFolder, RootFolderPicker, type RootChoice } from './root-folder-picker.tsx'

interface Props {
  categories: Categories
  save: (patch: SettingsPatch) => Promise<boolean>
}

/**
 * Downloads by type: each category's extensions and its folder. A download added without a folder of its own
 * goes to its category's folder (decided by the name its URL ends in), else to the download folder.
 */
export function CategorySettings({ categories, save }: Props) {
  // One folder editor open at a time: under serve each is a root picker, whose fields would otherwise repeat.
  const [editing, setEditing] = useState<CategoryId | null>(null)
  return (
    <fieldset className="category-settings" data-testid="category-settings">
      <legend>Categories</legend>
      <p className="muted">
        A download added without choosing a folder goes to its type&apos;s folder, judged by the file name in its URL;
        with no folder set there, to the download folder.
      </p>
      <div className="category-grid">
        {categoryIds.map((id) => (
          <CategoryRow
            key={id}
            id={id}
            categories={categories}
            save={save}
            editing={editing === id}
            onEdit={(open) => setEditing(open ? id : null)}
          />
        ))}
      </div>
    </fieldset>
  )
}

interface RowProps extends Props {
  id: CategoryId
  editing: boolean
  onEdit: (open: boolean) => void
}

function CategoryRow({ id, categories, save, editing, onEdit }: RowProps) {
  const htmlId = useId()
  const category = categories[id]
  const [text, setText] = useState<string | null>(null)
  const shown = text ?? category.extensions.join(', ')
  const parsed = parseExtensions(shown, id, categories)
  const commit = async () => {
    if (text === null || !parsed.ok) return
    if (parsed.extensions.join(',') === category.extensions.join(',')) return setText(null)
    if (await save({ category: { id, extensions: parsed.extensions } })) setText(null)
  }
  return (
    <div className="category-row" data-testid={`category-${id}`}>
      <span className="category-name" id={`${htmlId}-name`}>
        {categoryLabels[id]}
      </span>
      {id === 'other' ? (
        <span className="muted category-ext">everything else</span>
      ) : (
        <div className="category-ext">
          <input
            data-testid={`category-${id}-ext`}
            aria-labelledby={`${htmlId}-name`}
            aria-invalid={!parsed.ok}
            aria-describedby={`${htmlId}-hint`}
            spellCheck={false}
            value={shown}
            onChange={(e) => setText(e.target.value)}
            onBlur={() => void commit()}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault()
                void commit()
              }
            }}
          />
          <span
            id={`${htmlId}-hint`}
            data-testid={`category-${id}-hint`}
            className={parsed.ok ? 'muted hint' : 'form-error hint'}
          >
            {parsed.ok ? '' : `${parsed.reason}; not saved`}
          </span>
        </div>
      )}
      <CategoryFolder id={id} dir={category.dir} save={save} editing={editing} onEdit={onEdit} />
    </div>
  )
}

interface FolderProps {
  id: CategoryId
  dir: string | null
  save: Props['save']
  editing: boolean
  onEdit: (open: boolean) => void
}

/** The folder: chosen in main's dialog (the app), or named inside the server's roots (a browser). */
function CategoryFolder({ id, dir, save, editing, onEdit }: FolderProps) {
  const offers = shellOffers(useStore((s) => s.appInfo))
  const roots = useStore((s) => s.appInfo?.roots ?? [])
  const [choice, setChoice] = useState<RootChoice | null>(null)
  const [error, setError] = useState('')
  const choose = async () => {
    const chosen = await command('dialog:chooseFolder', {})
    if (chosen) await save({ category: { id, folder: chosen.token } })
  }
  const apply = async () => {
    if (choice === null) {
      if (await save({ category: { id, folder: null } })) onEdit(false)
      return
    }
    const named = await nameFolder(choice)
    if ('error' in named) return setError(named.error)
    setError('')
    if (await save({ category: { id, folder: named.token } })) onEdit(false)
  }
  return (
    <div className="category-folder">
      <div className="field-row">
        <span className="folder-label" data-testid={`category-${id}-folder`} title={dir ?? undefined}>
          {dir ?? 'Download folder'}
        </span>
        {offers.folderDialog ? (
          <button type="button" data-testid={`category-${id}-choose`} onClick={() => void choose()}>
            Choose…
          </button>
        ) : (
          !editing && (
            <button type="button" data-testid={`category-${id}-choose`} onClick={() => onEdit(true)}>
              Change…
            </button>
          )
        )}
        {dir !== null && (offers.folderDialog || !editing) && (
          <button
            type="button"
            data-testid={`category-${id}-clear`}
            title="Send this category to the download folder again"
            onClick={() => void save({ category: { id, folder: null } })}
          >
            Reset
          </button>
        )}
      </div>
      {editing && (
        <div className="category-folder-editor field-grid" data-testid="category-folder-editor">
          <RootFolderPicker
            roots={roots}
            value={choice}
            onChange={(next) => {
              setError('')
              setChoice(next)
            }}
            error={error}
            defaultLabel="The download folder"
          />
          <div className="row-buttons">
            <button type="button" data-testid="category-folder-apply" onClick={() => void apply()}>
              Use this folder
            </button>
            <button type="button" onClick={() => onEdit(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </div>
  )
}
