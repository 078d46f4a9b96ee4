import { useEffect } from 'react'

import { api } from '../api.ts'
import { mergeParsed, readDrop, readFiles } from '../drop-links.ts'
import { messageOf } from '../store/bootstrap.ts'
import { appStore } from '../store/index.ts'
import { visibleIds } from '../store/visible.ts'
import { askRemove } from '../transfer-actions.ts'
import { selectedIds } from '../store/visible.ts'

/** Where typing goes to the element (text fields), so the window's shortcuts leave the keys alone. */
function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) {
    return true
  }
  if (!(target instanceof HTMLInputElement)) return false
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type)
}

/**
 * The window's shortcuts, wherever the focus is (outside text fields, with no dialog open): Ctrl/Cmd+N opens the
 * add dialog, Ctrl/Cmd+V opens it with the clipboard's links, and on the transfers tab Ctrl/Cmd+A selects every
 * row shown, Esc selects none and Delete asks to remove the selection. The table handles the same keys itself
 * when it has the focus (and more); what it handled arrives here already prevented.
 */
export function useShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || isTextField(e.target)) return
      const s = appStore.getState()
      if (s.ui.dialog !== null) return
      const mod = (e.ctrlKey || e.metaKey) && !e.altKey
      const key = e.key.toLowerCase()
      if (mod && key === 'n') s.openAdd()
      else if (s.ui.tab !== 'transfers') return
      else if (mod && key === 'a') {
        const ids = visibleIds(s)
        s.setSelection(ids, s.ui.focus ?? ids[0] ?? null)
      } else if (e.key === 'Escape' && !mod && s.ui.selected.size > 0) s.clearSelection()
      else if (e.key === 'Delete' && !mod) askRemove(selectedIds(s))
      else return
      e.preventDefault()
    }
    // A paste is its own event, which carries the clipboard without any permission to read it.
    const onPaste = (e: ClipboardEvent) => {
      if (isTextField(e.target) || appStore.getState().ui.dialog !== null || e.clipboardData === null) return
      e.preventDefault()
      void openPasted(e.clipboardData)
    }
    window.addEventListener('keydown', onKeyDown)
    window.addEventListener('paste', onPaste)
    return () => {
      window.removeEventListener('keydown', onKeyDown)
      window.removeEventListener('paste', onPaste)
    }
  }, [])
}

/** The clipboard as the add dialog's list, checked by main's parser as a drop is; nothing is added yet. */
async function openPasted(data: DataTransfer): Promise<void> {
  const store = appStore.getState()
  const { files, sources } = readDrop(data)
  try {
    const fromFiles = await readFiles(files)
    const inputs = [...sources, ...fromFiles.sources]
    if (inputs.length === 0) {
      store.announce('The clipboard holds no text to look for links in.')
      return
    }
    const merged = mergeParsed(await Promise.all(inputs.map((input) => api.invoke('links:parse', input))))
    const text = merged.urls.join('\n')
    store.openAdd({ text, checkedText: text, checked: merged })
  } catch (err) {
    store.pushNotice({ level: 'error', message: `Could not read the clipboard: ${messageOf(err)}` })
  }
}
