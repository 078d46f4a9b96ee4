import { formatBytes } from '../../shared/format.ts'
import type { TransferView } from '../../shared/transfer.ts'

/**
 * Which desktop notifications a batch of transfer changes calls for.
 *
 * A notification marks a transition: a transfer that becomes completed, failed, failed on a pin, or paused by an
 * error (a full disk). Progress patches for a transfer already in that state say nothing new, so they notify nothing;
 * leaving the state and coming back (a retry that fails again) notifies again.
 */

export type NoticeKind = 'completed' | 'failed' | 'pin'

export interface Notice {
  readonly kind: NoticeKind
  /** The transfer it is about, so a click can show it; null for a summary of several. */
  readonly transferId: number | null
  readonly title: string
  readonly body: string
}

/** What the planner remembers of a transfer: enough to tell a transition from a repeat. */
export type KnownTransfer = Pick<TransferView, 'state' | 'error'>

/** Notification bodies are a few lines on every platform; the rest of a long error is in the app. */
export const BODY_MAX = 300

/**
 * The notices for `patches`, given what was known before them.
 *
 * A transfer missing from `prev` is new to the caller: it may first appear already finished, because the change feed
 * coalesces a fast transfer's whole life into one patch, so its outcome is notified. Callers therefore seed `prev`
 * with the transfers that exist at start-up, or every old download would announce itself again.
 * `prev` is not modified; several patches for one transfer in a batch are taken in order.
 */
export function notifyPlan(prev: ReadonlyMap<number, KnownTransfer>, patches: readonly TransferView[]): Notice[] {
  const seen = new Map<number, string | null>()
  const notices: Notice[] = []
  for (const t of patches) {
    const before = seen.has(t.id) ? seen.get(t.id) : outcomeOf(prev.get(t.id))
    const after = outcomeOf(t)
    seen.set(t.id, after)
    if (after !== null && after !== before) notices.push(noticeFor(t))
  }
  return notices
}

/**
 * Where a transfer rests, as a key that changes exactly when a notice is due; null while it is still under way.
 * The error code is part of the key, so a failure that turns into a different failure is news.
 */
function outcomeOf(t: KnownTransfer | undefined): string | null {
  if (t === undefined) return null
  if (t.state === 'completed') return 'completed'
  if (t.state === 'failed') return `failed:${t.error?.code ?? ''}`
  if (t.state === 'paused' && t.error !== null) return `paused:${t.error.code}`
  return null
}

function noticeFor(t: TransferView): Notice {
  const name = displayName(t)
  if (t.state === 'completed') {
    const size = t.total ?? t.done
    return { kind: 'completed', transferId: t.id, title: 'Download complete', body: `${name} (${formatBytes(size)})` }
  }
  const message = t.error?.message ?? 'unknown error'
  if (t.error?.code === 'PIN_MISMATCH') {
    // The message names the host, the address and the pin the server presented: exactly what the user must check.
    return { kind: 'pin', transferId: t.id, title: 'Pin mismatch: download stopped', body: clip(`${name}\n${message}`) }
  }
  const title = t.state === 'paused' ? 'Download paused' : 'Download failed'
  return { kind: 'failed', transferId: t.id, title, body: clip(`${name}\n${message}`) }
}

/** The file name, or failing that the URL's last path segment, or the URL itself. */
export function displayName(t: Pick<TransferView, 'name' | 'url'>): string {
  if (t.name !== null && t.name !== '') return t.name
  try {
    const url = new URL(t.url)
    const last = url.pathname
      .split('/')
      .filter((s) => s !== '')
      .pop()
    if (last !== undefined) return decodeURIComponent(last)
    return url.host
  } catch {
    return t.url
  }
}

function clip(text: string): string {
  return text.length <= BODY_MAX ? text : `${text.slice(0, BODY_MAX - 1)}…`
}

/**
 * Keeps the `prev` map for `notifyPlan` across batches of the change feed.
 *
 * Seed it with the transfers that exist at start-up; pass each batch's patches and removed ids.
 */
export function createNotifyPlanner(initial: Iterable<TransferView>): {
  plan(patches: readonly TransferView[], removed?: readonly number[]): Notice[]
} {
  const known = new Map<number, KnownTransfer>()
  for (const t of initial) known.set(t.id, { state: t.state, error: t.error })
  return {
    plan(patches, removed = []) {
      const notices = notifyPlan(known, patches)
      for (const t of patches) known.set(t.id, { state: t.state, error: t.error })
      for (const id of removed) known.delete(id)
      return notices
    },
  }
}

/** Most urgent first: a pin mismatch may be an attack, a failure needs a decision, a completion only informs. */
const SEVERITY: Record<NoticeKind, number> = { pin: 0, failed: 1, completed: 2 }

/**
 * At most `max` notices for one batch, the most urgent first.
 *
 * A network outage fails every running transfer in the same second; twenty toasts would bury the desktop, so
 * whatever does not fit is folded into one summary that counts it.
 */
export function limitNotices(notices: readonly Notice[], max = 3): Notice[] {
  const sorted = [...notices].sort((a, b) => SEVERITY[a.kind] - SEVERITY[b.kind])
  if (sorted.length <= max) return sorted
  const kept = sorted.slice(0, Math.max(0, max - 1))
  const rest = sorted.slice(kept.length)
  const kind = rest[0]?.kind ?? 'completed'
  const allCompleted = rest.every((n) => n.kind === 'completed')
  const title = `${rest.length} more downloads ${allCompleted ? 'complete' : 'need attention'}`
  const body = clip(rest.map((n) => n.body.split('\n')[0]).join(', '))
  return [...kept, { kind, transferId: null, title, body }]
}

/** Shown once, the first time closing the window leaves Pinpoint running. */
export function firstCloseNotice(platform: NodeJS.Platform = process.platform): { title: string; body: string } {
  const where = platform === 'darwin' ? 'menu bar' : 'tray'
  return {
    title: 'Pinpoint is still running',
    body: `Pinpoint keeps running in the ${where} so your downloads can finish. Quit it from the ${where} icon's menu.`,
  }
}
