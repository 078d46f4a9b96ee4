import { connect, type Socket } from 'node:net'

import type { ControlInput, ControlOutput } from '../../shared/ipc.ts'
import { PinpointError } from '../../shared/pinpoint-error.ts'
import type { TransferView } from '../../shared/transfer.ts'
import { controlSocketPath } from '../core/control-socket.ts'
import type { Changes } from '../queue/change-feed.ts'
import type { CliIo } from './io.ts'
import { reportOutcomes } from './outcomes.ts'
import { createDisplay } from './progress-display.ts'
import { reportScheduleHolds } from './schedule-holds.ts'
import { onceEach } from './once-each.ts'

const RESTING = new Set(['completed', 'failed', 'paused', 'canceled'])
const INTERRUPTED = 8

/** A connection to the control socket of the process that holds a state folder (the app or `pinpoint serve`). */
export interface ControlClient {
  request<T>(channel: string, input: unknown): Promise<T>
  onChanges(listener: (c: Changes) => void): void
  /** Settles when the connection ends, whoever ends it (the running process quitting included). */
  readonly closed: Promise<void>
  close(): void
}

export async function connectControl(stateDir: string): Promise<ControlClient | undefined> {
  const socket = await new Promise<Socket | undefined>((resolve) => {
    const s = connect(controlSocketPath(stateDir))
    s.once('connect', () => resolve(s))
    s.once('error', () => resolve(undefined))
  })
  if (!socket) return undefined
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const listeners = new Set<(c: Changes) => void>()
  let nextId = 1
  let buffered = ''
  const fail = (err: Error) => {
    for (const p of pending.values()) p.reject(err)
    pending.clear()
  }
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  socket.setEncoding('utf8')
  socket.on('data', (text: string) => {
    buffered += text
    for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
      let msg: {
        id?: number
        ok?: boolean
        result?: unknown
        error?: string
        event?: string
        payload?: unknown
      }
      try {
        msg = JSON.parse(buffered.slice(0, nl)) as typeof msg
      } catch {
        // Not the protocol: nothing more from this connection can be trusted.
        socket.destroy()
        return
      }
      buffered = buffered.slice(nl + 1)
      if (msg.event === 'transfers:changed') for (const l of listeners) l(msg.payload as Changes)
      const waiting = msg.id === undefined ? undefined : pending.get(msg.id)
      if (!waiting) continue
      pending.delete(msg.id as number)
      if (msg.ok) waiting.resolve(msg.result)
      else waiting.reject(new PinpointError('BAD_INPUT', msg.error ?? 'the running Pinpoint refused the request'))
    }
  })
  socket.on('error', (err) => fail(err))
  socket.on('close', () => fail(new PinpointError('INTERRUPTED', 'the running Pinpoint closed the connection')))
  return {
    request<T>(channel: string, input: unknown): Promise<T> {
      const id = nextId++
      return new Promise<T>((resolve, reject) => {
        if (socket.destroyed)
          return reject(new PinpointError('INTERRUPTED', 'the running Pinpoint closed the connection'))
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
        socket.write(`${JSON.stringify({ id, channel, input })}\n`)
      })
    },
    onChanges: (listener) => void listeners.add(listener),
    closed,
    close: () => socket.destroy(),
  }
}

/**
 * `pinpoint get` beside a running app or `pinpoint serve`: the downloads are added to its queue through the
 * control socket, and their progress is shown here until each rests (or not at all with `--detach`). Ctrl-C
 * stops only the watching: the downloads go on in the running process.
 */
export async function getThroughControl(
  client: ControlClient,
  input: ControlInput<'control:add'>,
  opts: { json: boolean; detach: boolean },
  io: CliIo,
): Promise<number> {
  try {
    const added = await client.request<ControlOutput<'control:add'>>('control:add', input)
    const refused = added.rejected[0]
    if (refused) throw new PinpointError('BAD_URL', `"${refused.input}": ${refused.reason}`)
    for (const d of onceEach(added.done)) io.stderr(`already downloaded: ${d.savedPath}\n`)
    const doneIds = new Set(added.done.map((d) => d.id))
    // A URL given twice is one download (see addDownloads): counted, watched and reported once.
    const ids = [...new Set(added.ids)].filter((id) => !doneIds.has(id))
    if (opts.detach || ids.length === 0) {
      if (ids.length > 0) io.stderr(`added to the running Pinpoint: ${ids.length} download(s)\n`)
      return 0
    }
    const display = createDisplay(
      opts.json ? 'json' : io.isTTY ? 'tty' : 'plain',
      opts.json ? io.stdout : io.stderr,
      ids,
    )
    const views = new Map<number, TransferView>()
    let finish: (() => void) | undefined
    const finished = new Promise<void>((resolve) => (finish = resolve))
    const take = (patches: TransferView[]) => {
      for (const v of patches) if (ids.includes(v.id)) views.set(v.id, v)
      if (ids.every((id) => RESTING.has(views.get(id)?.state ?? ''))) finish?.()
    }
    client.onChanges((c) => {
      display.update(c)
      take(c.patches)
    })
    const snapshot = await client.request<{ seq: number; transfers: TransferView[] }>('transfers:list', {})
    const mine = snapshot.transfers.filter((t) => ids.includes(t.id))
    // Refused before anything is shown: a download no window ever lets run would be watched for ever.
    try {
      reportScheduleHolds(mine, Date.now(), io)
    } catch (err) {
      display.close()
      throw err
    }
    display.update({ seq: snapshot.seq, patches: mine, removed: [] })
    take(snapshot.transfers)
    let stop: (() => void) | undefined
    const interrupted = new Promise<'interrupted'>((resolve) => (stop = () => resolve('interrupted')))
    const removeSignal = io.onSignal(() => stop?.())
    const gone = client.closed.then(() => 'gone' as const)
    const outcome = await Promise.race([finished, interrupted, gone])
    removeSignal()
    display.close()
    if (outcome === 'interrupted') {
      io.stderr('pinpoint: stopped watching; the downloads go on in the running Pinpoint\n')
      return INTERRUPTED
    }
    if (outcome === 'gone') {
      io.stderr('pinpoint: the running Pinpoint stopped; its downloads resume when it starts again\n')
      return INTERRUPTED
    }
    return reportOutcomes(
      ids.map((id) => {
        const v = views.get(id) as TransferView
        return {
          url: v.url,
          state: v.state,
          savedPath: v.savedPath,
          total: v.total,
          errorCode: v.error?.code ?? null,
          errorMessage: v.error?.message ?? null,
          signature: v.signature ?? null,
        }
      }),
      io,
    )
  } finally {
    client.close()
  }
}
