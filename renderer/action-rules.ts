import type { TransferState } from '../shared/domain.ts'
import type { TransferView } from '../shared/transfer.ts'

/**
 * Which actions apply to a selection, and why not when they do not.
 *
 * An action is offered when it applies to at least one selected transfer (main skips the others, as it does for
 * a pause of a completed one); when it applies to none, the toolbar button and the menu item are disabled and
 * carry the reason, worded for the state most of the selection is in. These follow what main does with each
 * command (electron/queue/queue.ts): pause takes what runs or waits, resume takes what is paused, retry takes
 * what failed, a canceled transfer starts over only when added again.
 */

export type ActionKey =
  | 'pause'
  | 'resume'
  | 'retry'
  | 'cancel'
  | 'remove'
  | 'move-top'
  | 'move-up'
  | 'move-down'
  | 'reveal'
  | 'open'
  | 'copy-link'
  | 'start-anyway'
  | 'refresh-link'

export interface ActionState {
  enabled: boolean
  /** Why it is disabled; empty when enabled. */
  reason: string
}

export interface ActionContext {
  /** Files live on another machine (`pinpoint serve`): the reason, or null in the app. */
  notHere: string | null
  /** The table is sorted by a column, so the rows shown are not in queue order: the column's label. */
  sortedBy: string | null
}

const PAUSABLE: ReadonlySet<TransferState> = new Set(['queued', 'connecting', 'downloading'])
const RUNNING: ReadonlySet<TransferState> = new Set(['connecting', 'downloading', 'verifying', 'finalizing'])

const PAUSE_WHY: Partial<Record<TransferState, string>> = {
  completed: 'Completed transfers cannot be paused',
  paused: 'Already paused',
  failed: 'Failed transfers are not running: retry them instead',
  canceled: 'Canceled transfers cannot be paused',
  verifying: 'Being checked: it finishes in a moment',
  finalizing: 'Being moved into place: it finishes in a moment',
}
const RESUME_WHY: Partial<Record<TransferState, string>> = {
  completed: 'Completed transfers cannot be resumed',
  queued: 'Already queued: it starts when a download slot is free',
  failed: 'Failed transfers are retried, not resumed: use Retry',
  canceled: 'Canceled transfers cannot be resumed: add the link again',
}
const RETRY_WHY: Partial<Record<TransferState, string>> = {
  completed: 'Completed transfers need no retry',
  canceled: 'Canceled transfers cannot be retried: add the link again',
  paused: 'Only failed transfers can be retried: resume paused ones',
  queued: 'Only failed transfers can be retried: this one is queued',
}
const CANCEL_WHY: Partial<Record<TransferState, string>> = {
  completed: 'Completed transfers cannot be canceled: remove them instead',
  canceled: 'Already canceled',
}

/** The state most of the selection is in (ties: the first met), for wording a reason. */
function commonState(views: readonly TransferView[]): TransferState | undefined {
  const counts = new Map<TransferState, number>()
  let best: TransferState | undefined
  for (const v of views) {
    const n = (counts.get(v.state) ?? 0) + 1
    counts.set(v.state, n)
    if (best === undefined || n > (counts.get(best) ?? 0)) best = v.state
  }
  return best
}

function byState(
  views: readonly TransferView[],
  applies: (v: TransferView) => boolean,
  why: Partial<Record<TransferState, string>>,
  fallback: string,
): ActionState {
  if (views.some(applies)) return { enabled: true, reason: '' }
  const state = commonState(views)
  return { enabled: false, reason: (state && why[state]) ?? fallback }
}

const NONE = 'Select one or more downloads first'
const ON: ActionState = { enabled: true, reason: '' }

export function actionState(key: ActionKey, views: readonly TransferView[], ctx: ActionContext): ActionState {
  if (views.length === 0) return { enabled: false, reason: NONE }
  switch (key) {
    case 'pause':
      return byState(views, (v) => PAUSABLE.has(v.state), PAUSE_WHY, 'Nothing selected can be paused')
    case 'resume':
      return byState(
        views,
        (v) => v.state === 'paused',
        { ...RESUME_WHY, ...Object.fromEntries([...RUNNING].map((s) => [s, 'Already running'])) },
        'Nothing selected is paused',
      )
    case 'retry':
      return byState(
        views,
        (v) => v.state === 'failed',
        { ...RETRY_WHY, ...Object.fromEntries([...RUNNING].map((s) => [s, 'Running: nothing to retry'])) },
        'Only failed transfers can be retried',
      )
    case 'cancel':
      return byState(
        views,
        (v) => v.state !== 'completed' && v.state !== 'canceled',
        CANCEL_WHY,
        'Nothing selected can be canceled',
      )
    case 'remove':
    case 'copy-link':
      return ON
    case 'move-top':
    case 'move-up':
    case 'move-down':
      if (ctx.sortedBy !== null) {
        return { enabled: false, reason: `Sorted by ${ctx.sortedBy}: sort by queue order to move rows` }
      }
      return ON
    case 'reveal':
    case 'open': {
      if (ctx.notHere !== null) return { enabled: false, reason: ctx.notHere }
      if (views.length > 1) {
        return {
          enabled: false,
          reason: key === 'open' ? 'Select one download to open it' : 'Select one download to show its folder',
        }
      }
      if (key === 'open' && views[0]?.state !== 'completed') {
        return { enabled: false, reason: 'Only a completed download can be opened' }
      }
      return ON
    }
    case 'start-anyway':
      return views.some((v) => v.schedule !== undefined)
        ? ON
        : { enabled: false, reason: 'Not held by the schedule: it runs when its turn comes' }
    case 'refresh-link':
      return refreshLinkState(views)
  }
}

/** A new link is for one download that is not running: paused, or failed (its link expired, say). */
function refreshLinkState(views: readonly TransferView[]): ActionState {
  if (views.length > 1) return { enabled: false, reason: 'Select one download to give it a new link' }
  const state = views[0]?.state
  if (state === 'paused' || state === 'failed') return ON
  if (state !== undefined && (RUNNING.has(state) || state === 'queued')) {
    return { enabled: false, reason: 'Pause it first to give it a new link' }
  }
  return { enabled: false, reason: 'Only a paused or failed download can be given a new link' }
}
