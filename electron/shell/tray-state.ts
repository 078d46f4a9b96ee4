import { join } from 'node:path'

import type { TransferState } from '../../shared/domain.ts'
import { formatSpeed } from '../../shared/format.ts'
import type { TransferView } from '../../shared/transfer.ts'

/**
 * What the tray shows for the whole queue: one icon, one tooltip.
 *
 * Plain data in, plain data out, so every word and figure the tray shows is tested without Electron; `tray.ts` only
 * hands the result to Electron.
 */

export type TrayIcon = 'idle' | 'active' | 'error'

export const TRAY_ICONS: readonly TrayIcon[] = ['idle', 'active', 'error']

/** The fields the aggregate reads; a full `TransferView` fits. */
export type TransferFigures = Pick<TransferView, 'state' | 'error' | 'total' | 'done' | 'speed'>

export interface TrayState {
  readonly icon: TrayIcon
  readonly tooltip: string
  /** Transfers that are connecting, downloading, verifying or finalizing. */
  readonly activeCount: number
  /** Transfers that wait for the user: failed ones, and ones paused by an error (a full disk). */
  readonly attentionCount: number
  /** 0-100 over the active transfers whose size is known; null when none is. */
  readonly percent: number | null
  /** Bytes per second, summed over the active transfers. */
  readonly speed: number
}

/** States in which a transfer holds connections or is busy with its file. `queued` waits for a slot, so it is not. */
const ACTIVE: ReadonlySet<TransferState> = new Set(['connecting', 'downloading', 'verifying', 'finalizing'])

export function isActive(t: Pick<TransferView, 'state'>): boolean {
  return ACTIVE.has(t.state)
}

/** A failure, or a pause the queue made because of an error: a user pause carries no error, so it is not one. */
export function needsAttention(t: Pick<TransferView, 'state' | 'error'>): boolean {
  return t.state === 'failed' || (t.state === 'paused' && t.error !== null)
}

/** Bytes done and bytes expected over the active transfers with a known size, and how many are active. */
export interface OverallProgress {
  readonly activeCount: number
  readonly done: number
  readonly total: number
  /** Active transfers whose size is known; the percent is over these only. */
  readonly sized: number
  readonly speed: number
}

export function overallProgress(transfers: readonly TransferFigures[]): OverallProgress {
  let activeCount = 0
  let done = 0
  let total = 0
  let sized = 0
  let speed = 0
  for (const t of transfers) {
    if (!isActive(t)) continue
    activeCount++
    speed += Math.max(0, t.speed)
    if (t.total === null) continue
    sized++
    total += t.total
    // A server that sends more than it announced must not push the figure past 100%.
    done += Math.min(Math.max(0, t.done), t.total)
  }
  return { activeCount, done, total, sized, speed }
}

/** 0-100, or null when no active transfer has a known size. Zero-byte files count as done. */
export function overallPercent(p: OverallProgress): number | null {
  if (p.sized === 0) return null
  if (p.total === 0) return 100
  return (100 * p.done) / p.total
}

/** Windows cuts tray tooltips at 127 characters (NOTIFYICONDATA's szTip), so the text stays well inside that. */
export const TOOLTIP_MAX = 127

export function trayState(transfers: readonly TransferFigures[]): TrayState {
  const progress = overallProgress(transfers)
  const percent = overallPercent(progress)
  const attentionCount = transfers.filter(needsAttention).length
  const icon: TrayIcon = attentionCount > 0 ? 'error' : progress.activeCount > 0 ? 'active' : 'idle'
  return {
    icon,
    tooltip: tooltipText(progress.activeCount, percent, progress.speed, attentionCount),
    activeCount: progress.activeCount,
    attentionCount,
    percent,
    speed: progress.speed,
  }
}

function tooltipText(activeCount: number, percent: number | null, speed: number, attentionCount: number): string {
  const lines = ['Pinpoint']
  if (activeCount === 0) {
    lines.push('No active downloads')
  } else {
    const parts = [`${activeCount} ${activeCount === 1 ? 'download' : 'downloads'} active`]
    // Rounded down, so the tray never claims 100% while bytes are still missing.
    if (percent !== null) parts.push(`${Math.floor(percent)}%`)
    parts.push(formatSpeed(speed))
    lines.push(parts.join(' · '))
  }
  if (attentionCount > 0) lines.push(`${attentionCount} ${attentionCount === 1 ? 'needs' : 'need'} attention`)
  return lines.join('\n')
}

/**
 * Where the tray images are, per state.
 *
 * Each file has an `@2x` sibling that Electron picks on high-DPI screens. Windows and macOS draw tray icons at 16
 * points; Linux panels use 22-24 pixels, so there the 32-pixel base keeps the icon sharp instead of scaling 16 up.
 */
export function trayIconPaths(dir: string, platform: NodeJS.Platform): Record<TrayIcon, string> {
  const suffix = platform === 'linux' ? '-32' : ''
  return {
    idle: join(dir, `tray-idle${suffix}.png`),
    active: join(dir, `tray-active${suffix}.png`),
    error: join(dir, `tray-error${suffix}.png`),
  }
}

export interface TrayActions {
  readonly onShow: () => void
  readonly onPauseAll: () => void
  readonly onResumeAll: () => void
  readonly onQuit: () => void
}

/** One tray menu entry, in the shape `Menu.buildFromTemplate` takes. */
export type TrayMenuItem = { readonly label: string; readonly click: () => void } | { readonly type: 'separator' }

/** The tray menu: the window, the whole queue, and the one way out (closing the window only hides it). */
export function trayMenuItems(actions: TrayActions): TrayMenuItem[] {
  return [
    { label: 'Show Pinpoint', click: actions.onShow },
    { type: 'separator' },
    { label: 'Pause all', click: actions.onPauseAll },
    { label: 'Resume all', click: actions.onResumeAll },
    { type: 'separator' },
    { label: 'Quit Pinpoint', click: actions.onQuit },
  ]
}
