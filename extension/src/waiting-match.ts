import type { WaitingTransfer } from '../../shared/native-messages.ts'

/** A browser download as the matcher sees it: the file name it suggests and the size its server announced. */
export interface DownloadShape {
  name: string
  /** Bytes; 0 or negative when the server did not say, and then nothing matches. */
  size: number
}

/**
 * A file name reduced to what two copies of one file share: the last path segment, Unicode-normalised, in lower
 * case, without the counter a browser or Pinpoint adds on a name clash (`file (1).iso`, Firefox's `file(1).iso`,
 * `archive (2).tar.gz`). Applied to both sides, so a name that itself ends in a number in brackets still matches
 * its own copy.
 */
export function normaliseName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? ''
  return last
    .normalize('NFC')
    .trim()
    .toLowerCase()
    .replace(/ ?\(\d{1,4}\)(?=(\.[^.\s()]{1,16})*$)/, '')
}

/**
 * The waiting download a browser download could finish: paused or failed, not complete, of exactly the announced
 * size, under the same name once normalised. With several, the one furthest along: the most to lose.
 */
export function matchWaiting(
  waiting: readonly WaitingTransfer[],
  download: DownloadShape,
): WaitingTransfer | undefined {
  if (!(download.size > 0)) return undefined
  const name = normaliseName(download.name)
  if (name === '') return undefined
  let best: WaitingTransfer | undefined
  for (const w of waiting) {
    if (w.state !== 'paused' && w.state !== 'failed') continue
    if (w.total !== download.size || w.done >= w.total) continue
    if (normaliseName(w.name) !== name) continue
    if (!best || w.done > best.done) best = w
  }
  return best
}

/** How far a waiting download is, as the offer says it: whole percent, never 100 for one not complete. */
export function percentDone(w: Pick<WaitingTransfer, 'done' | 'total'>): number {
  return Math.min(99, Math.floor((w.done / w.total) * 100))
}
