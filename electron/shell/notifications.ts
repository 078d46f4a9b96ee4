import { Notification } from 'electron'

import { firstCloseNotice, limitNotices, type Notice, type NoticeKind } from './notify-plan.ts'

/**
 * Shows the notices `notify-plan.ts` decided on, through the OS's notification centre.
 *
 * Thin on purpose: which notices, their text and how many at once are decided and tested in `notify-plan.ts`.
 */

export interface NotificationOptions {
  /** Asked for every notice, so a change in the settings applies at once. */
  readonly allowed: (kind: NoticeKind) => boolean
  /** The app icon (a PNG path); Linux shows it beside the text. */
  readonly icon?: string
  /** A click on a notice; `transferId` is null for a summary of several transfers. */
  readonly onClick?: (transferId: number | null) => void
}

// An Electron Notification that is garbage-collected loses its click handler, so each is held until it is done with.
// Some Linux notification daemons never report a close, so only the most recent few are held.
const live = new Set<Notification>()
const LIVE_MAX = 20

function show(title: string, body: string, options: NotificationOptions, onClick?: () => void): void {
  const notification = new Notification({ title, body, icon: options.icon })
  live.add(notification)
  for (const old of live) {
    if (live.size <= LIVE_MAX) break
    live.delete(old)
  }
  const release = () => live.delete(notification)
  notification.once('click', () => {
    release()
    onClick?.()
  })
  notification.once('close', release)
  notification.once('failed', release)
  notification.show()
}

export function showNotices(notices: readonly Notice[], options: NotificationOptions): void {
  if (notices.length === 0 || !Notification.isSupported()) return
  for (const notice of limitNotices(notices.filter((n) => options.allowed(n.kind)))) {
    show(notice.title, notice.body, options, () => options.onClick?.(notice.transferId))
  }
}

/** Tells the user, once, that closing the window did not stop the downloads; the caller remembers that it did. */
export function showFirstCloseNotice(options: Pick<NotificationOptions, 'icon' | 'onClick'>): void {
  if (!Notification.isSupported()) return
  const { title, body } = firstCloseNotice()
  show(title, body, { allowed: () => true, ...options }, () => options.onClick?.(null))
}
