import { useEffect } from 'react'

import type { TransferState } from '../../shared/domain.ts'
import type { TransferView } from '../../shared/transfer.ts'
import { appStore, useStore } from '../store/index.ts'
import { displayName } from '../store/visible.ts'

/** States worth saying out loud when a transfer reaches them. */
const ANNOUNCED: ReadonlySet<TransferState> = new Set(['completed', 'failed'])

/**
 * A polite live region: says when a transfer completes or fails, and why a shortcut did nothing. Rows change
 * too often to be live themselves; this says only what a person would want to be told without looking.
 */
export function Announcer() {
  const messages = useStore((s) => s.ui.announcements)
  useTransferAnnouncements()
  return (
    <div className="visually-hidden" role="status" aria-live="polite" data-testid="announcer">
      {messages.map((m) => (
        <p key={m.id}>{m.message}</p>
      ))}
    </div>
  )
}

/** Watches the mirror for transfers that reached an announced state since the last batch. */
function useTransferAnnouncements(): void {
  useEffect(() => {
    let seen = appStore.getState().transfers.byId
    let wasLoaded = appStore.getState().transfers.loaded
    return appStore.subscribe((s) => {
      const byId = s.transfers.byId
      if (byId === seen) return
      const before = seen
      seen = byId
      // The first snapshot is what was there already, not news.
      const news = wasLoaded
      wasLoaded = s.transfers.loaded
      if (!news) return
      const done: TransferView[] = []
      const failed: TransferView[] = []
      for (const key in byId) {
        const view = byId[key]
        const old = before[Number(key)]
        // One added and finished (or failed) between two batches is first seen in its end state.
        if (view === undefined || view === old || old?.state === view.state) continue
        if (!ANNOUNCED.has(view.state)) continue
        ;(view.state === 'completed' ? done : failed).push(view)
      }
      const { announce } = s
      if (done.length > 0) announce(say(done, 'completed'))
      for (const view of failed)
        announce(`${displayName(view)} failed: ${view.error?.message || view.error?.code || 'unknown error'}`)
    })
  }, [])
}

function say(views: readonly TransferView[], what: string): string {
  const names = views.slice(0, 3).map(displayName)
  if (views.length === 1) return `${names[0]} ${what}`
  const more = views.length > 3 ? ` and ${views.length - 3} more` : ''
  return `${views.length} downloads ${what}: ${names.join(', ')}${more}`
}
