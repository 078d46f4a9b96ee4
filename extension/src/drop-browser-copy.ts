/** The part of the downloads API that taking the browser's copy back needs. */
export interface DownloadsControl {
  cancel(id: number): Promise<void>
  search(query: { id: number }): Promise<Array<{ state: string }>>
  removeFile(id: number): Promise<void>
  erase(query: { id: number }): Promise<number[]>
}

/**
 * Pinpoint holds the download now, so the browser's copy goes, off the browser's list too. Chromium keeps it
 * running until then (its file name is held back), so cancelling is enough there. Firefox has no such hold: a
 * fast server's file is complete before Pinpoint has answered, and cancel refuses a finished download, so a
 * finished copy is deleted instead; the browser names its copy afresh (never over an existing file), so only the
 * file this download made is removed. A failure leaves the copy where it is: a file twice beats a file lost.
 */
export async function dropBrowserCopy(downloads: DownloadsControl, id: number): Promise<void> {
  await downloads.cancel(id).catch(() => {})
  const [item] = await downloads.search({ id }).catch(() => [])
  if (item?.state === 'complete') {
    try {
      await downloads.removeFile(id)
    } catch {
      return
    }
  }
  await downloads.erase({ id }).catch(() => {})
}
