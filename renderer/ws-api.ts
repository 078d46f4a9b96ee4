import type { Api, EventChannel, Payload, RequestChannel } from '../shared/ipc.ts'

/** The browser's transport to `pinpoint serve`, plus what only a network link needs: knowing it came back. */
export interface WsApi extends Api {
  /** Called after each reconnection, so the caller takes a fresh snapshot (bootstrap) as on the first load. */
  onReconnect(listener: () => void): () => void
  close(): void
}

export interface WsApiOptions {
  /** The socket's URL, token included; see `socketUrlOf`. */
  url: string
  /** The WebSocket constructor: the browser's, or Node's global one in tests. */
  WebSocket?: typeof WebSocket
  /** First reconnect delay; doubles up to `maxDelayMs`. */
  minDelayMs?: number
  maxDelayMs?: number
}

/** `ws(s)://host/ws?token=…`, the token taken from the page URL's query or fragment (`#token=…`). */
export function socketUrlOf(page: { protocol: string; host: string; search: string; hash: string }): string {
  const token =
    new URLSearchParams(page.search).get('token') ?? new URLSearchParams(page.hash.replace(/^#/, '')).get('token')
  const scheme = page.protocol === 'https:' ? 'wss' : 'ws'
  // Without a token in the URL the HttpOnly cookie set with the page still authenticates the upgrade.
  return `${scheme}://${page.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`
}

type Reply = { id: number | null; ok: true; result: unknown } | { id: number | null; ok: false; error: string }
type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void }

/**
 * The IPC contract over one WebSocket: requests by id, events by channel. Requests made while disconnected
 * wait for the connection; those in flight when it drops fail (the daemon may or may not have run them).
 * It reconnects with exponential backoff, forever, until `close()`.
 */
export function createWsApi(opts: WsApiOptions): WsApi {
  const Ctor = opts.WebSocket ?? WebSocket
  const minDelay = opts.minDelayMs ?? 250
  const maxDelay = opts.maxDelayMs ?? 5000
  const pending = new Map<number, Pending>()
  const waiting: string[] = []
  const listeners = new Map<string, Set<(payload: never) => void>>()
  const reconnectListeners = new Set<() => void>()
  let nextId = 1
  let delay = minDelay
  let everOpened = false
  let closed = false
  let socket: WebSocket

  const connect = () => {
    const ws = new Ctor(opts.url)
    socket = ws
    ws.onopen = () => {
      delay = minDelay
      for (const text of waiting.splice(0)) ws.send(text)
      if (everOpened) for (const listener of reconnectListeners) listener()
      everOpened = true
    }
    ws.onmessage = (event: MessageEvent) => {
      if (typeof event.data === 'string') receive(event.data)
    }
    ws.onclose = () => {
      for (const [id, p] of pending) {
        pending.delete(id)
        p.reject(new Error('the connection to pinpoint serve was lost'))
      }
      if (closed) return
      setTimeout(connect, delay)
      delay = Math.min(delay * 2, maxDelay)
    }
  }

  const receive = (text: string) => {
    let msg: unknown
    try {
      msg = JSON.parse(text)
    } catch {
      return
    }
    if (typeof msg !== 'object' || msg === null) return
    if ('event' in msg) {
      const { event, payload } = msg as { event: string; payload: never }
      for (const listener of listeners.get(event) ?? []) listener(payload)
      return
    }
    const reply = msg as Reply
    if (reply.id === null) return
    const p = pending.get(reply.id)
    if (!p) return
    pending.delete(reply.id)
    if (reply.ok) p.resolve(reply.result)
    else p.reject(new Error(reply.error))
  }

  connect()
  return {
    invoke<C extends RequestChannel>(channel: C, input: unknown) {
      const id = nextId++
      const text = JSON.stringify({ id, channel, input })
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        if (socket.readyState === Ctor.OPEN) socket.send(text)
        else waiting.push(text)
      }) as never
    },
    on<C extends EventChannel>(channel: C, listener: (payload: Payload<C>) => void) {
      let set = listeners.get(channel)
      if (!set) listeners.set(channel, (set = new Set()))
      set.add(listener)
      return () => void set.delete(listener)
    },
    onReconnect(listener) {
      reconnectListeners.add(listener)
      return () => void reconnectListeners.delete(listener)
    },
    close() {
      closed = true
      socket.close()
    },
  }
}
