import { useEffect, useState } from 'react'
import { flushSync } from 'react-dom'

import { api } from '../api.ts'
import { messageOf } from '../store/bootstrap.ts'
import { appStore } from '../store/index.ts'
import { mergeParsed, readDrop, readFiles } from '../drop-links.ts'
import { isRowDrag } from '../queue-order.ts'
import { isProfileDrop, openProfileFiles } from '../profile-import.ts'

/**
 * Accept drops anywhere on the window; returns whether something is being dragged over it.
 *
 * dragover and drop are always cancelled, so a dropped link or file never navigates the window away. A drop
 * opens the add dialog with what main found, so nothing is added before the user confirms.
 *
 * Rows dragged within the list are not links: those drags are left alone here (no overlay, no add dialog), and
 * the list takes their drop. Outside the list nothing accepts them, so they cannot navigate the window either.
 */
export function useDrop(): boolean {
  const [dragging, setDragging] = useState(false)
  useEffect(() => {
    // dragenter/dragleave fire for every child crossed; a counter tells when the pointer really left.
    let depth = 0
    const enter = (e: DragEvent) => {
      if (isRowDrag(e.dataTransfer)) return
      e.preventDefault()
      depth++
      // Drag events render at continuous priority, i.e. later; the overlay should be there as the pointer enters.
      if (depth === 1) flushSync(() => setDragging(true))
    }
    const over = (e: DragEvent) => {
      if (isRowDrag(e.dataTransfer)) return
      e.preventDefault()
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'
    }
    const leave = (e: DragEvent) => {
      if (isRowDrag(e.dataTransfer)) return
      depth = Math.max(0, depth - 1)
      if (depth === 0) setDragging(false)
    }
    const drop = (e: DragEvent) => {
      if (isRowDrag(e.dataTransfer)) return
      e.preventDefault()
      depth = 0
      setDragging(false)
      if (e.dataTransfer) void openDropped(e.dataTransfer)
    }
    window.addEventListener('dragenter', enter)
    window.addEventListener('dragover', over)
    window.addEventListener('dragleave', leave)
    window.addEventListener('drop', drop)
    return () => {
      window.removeEventListener('dragenter', enter)
      window.removeEventListener('dragover', over)
      window.removeEventListener('dragleave', leave)
      window.removeEventListener('drop', drop)
    }
  }, [])
  return dragging
}

async function openDropped(data: DataTransfer): Promise<void> {
  const store = appStore.getState()
  const { files, sources } = readDrop(data)
  // A host profile goes to the Hosts view's import, not to the add dialog as a list of links.
  if (isProfileDrop(files)) return openProfileFiles(files)
  try {
    const fromFiles = await readFiles(files)
    const inputs = [...sources, ...fromFiles.sources]
    const results = await Promise.all(inputs.map((input) => api.invoke('links:parse', input)))
    const merged = mergeParsed(results)
    for (const name of fromFiles.skipped) {
      merged.rejected.push({ input: name, reason: 'only .txt, .html and .csv files are read for links' })
    }
    if (inputs.length === 0 && merged.rejected.length === 0) return
    const text = merged.urls.join('\n')
    store.openAdd({ text, checkedText: text, checked: merged })
  } catch (err) {
    store.pushNotice({ level: 'error', message: `Could not read the drop: ${messageOf(err)}` })
  }
}
