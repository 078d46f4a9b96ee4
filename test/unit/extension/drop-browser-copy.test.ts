import { describe, expect, it } from 'vitest'

import { dropBrowserCopy, type DownloadsControl } from '../../../extension/src/drop-browser-copy.ts'

type State = 'in_progress' | 'interrupted' | 'complete'

/**
 * One browser download in memory, answering as the two browsers document it: Firefox's cancel rejects a finished
 * download, Chromium's leaves it be and resolves; removeFile works only on a finished one whose file is there.
 */
function browser(kind: 'firefox' | 'chromium', state: State, opts: { fileGone?: boolean } = {}) {
  const d = { state, listed: true, file: state === 'complete' && !opts.fileGone, calls: [] as string[] }
  const downloads: DownloadsControl = {
    cancel: async (id) => {
      d.calls.push(`cancel ${id}`)
      if (d.state === 'complete') {
        if (kind === 'firefox') throw new Error(`Download ${id} is already complete`)
        return
      }
      d.state = 'interrupted'
    },
    search: async () => (d.listed ? [{ state: d.state }] : []),
    removeFile: async (id) => {
      d.calls.push(`removeFile ${id}`)
      if (d.state !== 'complete') throw new Error(`Cannot remove incomplete download id ${id}`)
      if (!d.file) throw new Error(`Could not remove download id ${id} because the file doesn't exist`)
      d.file = false
    },
    erase: async () => {
      d.calls.push('erase')
      d.listed = false
      return [1]
    },
  }
  return { d, downloads }
}

describe('dropBrowserCopy', () => {
  for (const kind of ['firefox', 'chromium'] as const) {
    it(`${kind}: a download still running is cancelled and erased, its file never touched`, async () => {
      const { d, downloads } = browser(kind, 'in_progress')
      await dropBrowserCopy(downloads, 4)
      expect(d).toMatchObject({ state: 'interrupted', listed: false })
      expect(d.calls).toEqual(['cancel 4', 'erase'])
    })

    it(`${kind}: a copy that finished before Pinpoint answered is deleted and erased`, async () => {
      const { d, downloads } = browser(kind, 'complete')
      await dropBrowserCopy(downloads, 9)
      expect(d).toMatchObject({ file: false, listed: false })
      expect(d.calls).toEqual(['cancel 9', 'removeFile 9', 'erase'])
    })
  }

  it('keeps the entry when the finished file cannot be removed, so the user still sees the download', async () => {
    const { d, downloads } = browser('firefox', 'complete', { fileGone: true })
    await dropBrowserCopy(downloads, 2)
    expect(d.listed).toBe(true)
    expect(d.calls).toEqual(['cancel 2', 'removeFile 2'])
  })

  it('does nothing more for a download the browser no longer lists', async () => {
    const { d, downloads } = browser('firefox', 'in_progress')
    d.listed = false
    d.state = 'complete'
    await dropBrowserCopy(downloads, 3)
    expect(d.calls).toEqual(['cancel 3', 'erase'])
  })
})
