import { overallPercent, overallProgress, type TransferFigures } from './tray-state.ts'

/**
 * The taskbar (Windows), dock (macOS) or launcher (Linux) progress bar for the whole queue.
 *
 * Values follow `BrowserWindow.setProgressBar`: below 0 removes the bar, 0-1 is the fraction done, above 1 shows an
 * indeterminate bar (Windows; elsewhere nothing).
 */

export const NO_PROGRESS = -1
export const INDETERMINATE = 2

export function progressFraction(transfers: readonly TransferFigures[]): number {
  const progress = overallProgress(transfers)
  if (progress.activeCount === 0) return NO_PROGRESS
  const percent = overallPercent(progress)
  // Active, but no size is known (chunked responses, or still connecting): busy, with no fraction to show.
  if (percent === null) return INDETERMINATE
  // overallProgress already caps each transfer's bytes at its size, so this stays within 0..1.
  return percent / 100
}

/** The one method used; a `BrowserWindow` fits, and a fake does in tests. */
export interface ProgressBarTarget {
  isDestroyed(): boolean
  setProgressBar(progress: number): void
}

const shown = new WeakMap<ProgressBarTarget, number>()

/**
 * Shows `fraction` on the window's taskbar entry.
 *
 * Progress patches arrive several times a second, so the value is rounded to 0.1% and only a change reaches the OS
 * (each call is a D-Bus message on Linux and a COM call on Windows).
 */
export function setTaskbarProgress(win: ProgressBarTarget, fraction: number): void {
  if (win.isDestroyed()) return
  const value = fraction < 0 ? NO_PROGRESS : fraction > 1 ? INDETERMINATE : Math.round(fraction * 1000) / 1000
  if (shown.get(win) === value) return
  shown.set(win, value)
  win.setProgressBar(value)
}
