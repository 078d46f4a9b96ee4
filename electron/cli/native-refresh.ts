import { browserReferrer } from '../../shared/browser-referrer.ts'
import type { Output } from '../../shared/ipc.ts'
import {
  MAX_WAITING,
  type NativeRefresh,
  type RefreshReply,
  type WaitingReply,
  type WaitingTransfer,
} from '../../shared/native-messages.ts'
import type { TransferView } from '../../shared/transfer.ts'
import { connectControl, type ControlClient } from './control-client.ts'
import { cookiesForUrl } from './native-add.ts'

/**
 * The downloads a browser download could finish: paused or failed, with a known name and size (nothing else can
 * be matched), most recently added first. They come from the running Pinpoint's own list; with none running,
 * nothing waits that could be given a link now, and no Pinpoint is started for a question.
 */
export async function waitingIn(stateDir: string): Promise<WaitingReply> {
  const client = await connectControl(stateDir)
  if (!client) return { type: 'waiting', connected: false, transfers: [] }
  try {
    const list = await client.request<Output<'transfers:list'>>('transfers:list', {})
    return { type: 'waiting', connected: true, transfers: waitingOf(list.transfers) }
  } catch {
    // The running Pinpoint went away mid-question: as good as none running, and the browser keeps its download.
    return { type: 'waiting', connected: false, transfers: [] }
  } finally {
    client.close()
  }
}

export function waitingOf(views: readonly TransferView[]): WaitingTransfer[] {
  const out: WaitingTransfer[] = []
  for (const v of [...views].sort((a, b) => b.createdAt - a.createdAt)) {
    if (v.state !== 'paused' && v.state !== 'failed') continue
    if (v.name === null || v.name === '' || v.total === null || v.total <= 0) continue
    out.push({ id: v.id, name: v.name.slice(0, 1024), total: v.total, done: Math.min(v.done, v.total), state: v.state })
    if (out.length === MAX_WAITING) break
  }
  return out
}

/**
 * The browser's new link for a waiting download, through the running Pinpoint's `transfers:refreshUrl`: the
 * handler `pinpoint refresh` uses, which takes the link only when it serves the same file. A link taken, the
 * download is resumed at once, since the user asked for it to finish from this link.
 */
export async function refreshIn(stateDir: string, msg: NativeRefresh): Promise<RefreshReply> {
  const client = await connectControl(stateDir)
  if (!client) return { type: 'refresh', ok: false, code: 'NOT_RUNNING', reason: 'Pinpoint is not running' }
  try {
    return await refreshThrough(client, msg)
  } catch (err) {
    return { type: 'refresh', ok: false, code: 'BAD_INPUT', reason: (err as Error).message }
  } finally {
    client.close()
  }
}

async function refreshThrough(client: ControlClient, msg: NativeRefresh): Promise<RefreshReply> {
  const referrer = browserReferrer(msg.referrer)
  // Only the cookies the browser itself would send to the new link's host; they go to that origin alone.
  const cookies = URL.canParse(msg.url) ? cookiesForUrl(new URL(msg.url), msg.cookies ?? []) : []
  const from = { ...(referrer ? { referrer } : {}), ...(cookies.length > 0 ? { cookies } : {}) }
  const result = await client.request<Output<'transfers:refreshUrl'>>('transfers:refreshUrl', {
    id: msg.id,
    url: msg.url,
    ...(Object.keys(from).length > 0 ? { from } : {}),
  })
  if (!result.ok) return { type: 'refresh', ok: false, code: result.error.code, reason: result.error.message }
  // The link is taken whatever happens next: should the resume not get through, the download waits, paused, with
  // its new link, and the browser may still let its own copy go.
  await client.request<Output<'transfers:resume'>>('transfers:resume', { ids: [msg.id] }).catch(() => null)
  return { type: 'refresh', ok: true, matchedBy: result.matchedBy }
}
