import type { Api, EventChannel, Payload, RequestChannel } from '../shared/ipc.ts'

/**
 * How the page's link to the daemon stands. `connecting`: before the first connection opened. `online`: open
 * and answering. `offline`: lost (closed, or silent past the heartbeat's limit), reconnecting. `token-rejected`:
 * the server answers again but refuses this page's token (it restarted with a new one).
 */
export type LinkState = 'connecting' | 'online' | 'offline' | 'token-rejected'

/** The browser's transport to `pinpoint serve`, plus what only a network link needs: knowing how it stands. */
export interface WsApi extends Api {
  /** Called after each reconnection, so the caller takes a fresh snapshot (bootstrap) as on the first load. */
  onReconnect(listener: () => void): () => void
  state(): LinkState
  onState(listener: (state: LinkState) => void): () => void
  /** When offline: try again now instead of at the next backoff step. */
  reconnectNow(): void
  close(): void
}

/** What the page's server says about this page's token while the socket cannot connect. */
export type TokenProbe = () => Promise<'accepted' | 'rejected' | 'unreachable'>

export interface WsApiOptions {
  /** The socket's URL; see `socketUrlOf`. */
  url: string
  /** The WebSocket constructor: the browser's, or Node's global one in tests. */
  WebSocket?: typeof WebSocket
  /** First reconnect delay; doubles up to `maxDelayMs`. */
  minDelayMs?: number
  maxDelayMs?: number
  /** How often a ping goes out while the link is quiet. */
  pingEveryMs?: number
  /** Silence (no pong, no message) after which the daemon is taken as gone. */
  silenceMs?: number
  /** How long an attempt may stay unanswered before it counts as failed (a server that accepts, then stalls). */
  connectTimeoutMs?: number
  /** Asked after a failed reconnect, to tell "down" from "up with another token"; none in Node tests. */
  probeToken?: TokenProbe
}

/** Failures a caller can show as they are: they say what happened to the request. */
export const OFFLINE_MESSAGE =
  'pinpoint serve is not reachable (offline): nothing was sent; try again once the connection is back'
export const LOST_MESSAGE =
  'the connection to pinpoint serve was lost before it answered: the request may or may not have been carried out'

/** `ws(s)://host/ws?token=…`, the token taken from the page URL's query or fragment (`#token=…`). */
export function socketUrlOf(page: { protocol: string; host: string; search: string; hash: string }): string {
  const token =
    new URLSearchParams(page.search).get('token') ?? new URLSearchParams(page.hash.replace(/^#/, '')).get('token')
  const scheme = page.protocol === 'https:' ? 'wss' : 'ws'
  // Without a token in the URL the HttpOnly cookie set with the page still authenticates the upgrade.
  return `${scheme}://${page.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`
}

/**
 * The page's address without its token (query or fragment), or null when it carries none: what the address bar
 * shows once the page has loaded, so the token is not left in history, screenshots or a shared screen.
 */
export function addressWithoutToken(page: { pathname: string; search: string; hash: string }): string | null {
  const query = new URLSearchParams(page.search)
  const fragment = new URLSearchParams(page.hash.replace(/^#/, ''))
  if (!query.has('token') && !fragment.has('token')) return null
  query.delete('token')
  const search = query.toString()
  // A fragment without a token is the page's own (an anchor), kept as it was.
  let hash = page.hash.replace(/^#/, '')
  if (fragment.has('token')) {
    fragment.delete('token')
    hash = fragment.toString()
  }
  return `${page.pathname}${search ? `?${search}` : ''}${hash ? `#${hash}` : ''}`
}

type Reply = { id: number | null; ok: true; result: unknown } | { id: number | null; ok: false; error: string }
type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void }

/**
 * The IPC contract over one WebSocket: requests by id, events by channel.
 *
 * It never pretends: a request made before the first connection waits for it, but one made while offline fails
 * at once, and those in flight when the link is lost fail (the daemon may or may not have run them). The link
 * counts as lost when the socket closes or when the daemon stays silent for `silenceMs` although pinged every
 * `pingEveryMs` (a stopped process, a cut network: no close arrives then). It reconnects with exponential
 * backoff, forever, until `close()`.
 */
export function createWsApi(opts: WsApiOptions): WsApi {
  const Ctor = opts.WebSocket ?? WebSocket
  const minDelay = opts.minDelayMs ?? 250
  const maxDelay = opts.maxDelayMs ?? 4000
  // Lost is noticed within silence + tick (under 1.5 s); a daemon busy for longer is reconnected to, not lost.
  const pingEvery = opts.pingEveryMs ?? 400
  const silence = opts.silenceMs ?? 1250
  const connectTimeout = opts.connectTimeoutMs ?? 5000
  const tick = Math.max(10, Math.min(250, Math.floor(pingEvery / 2)))
  const pending = new Map<number, Pending>()
  const waiting: Array<{ id: number; text: string }> = []
  const listeners = new Map<string, Set<(payload: never) => void>>()
  const reconnectListeners = new Set<() => void>()
  const stateListeners = new Set<(state: LinkState) => void>()
  let nextId = 1
  let delay = minDelay
  let everOpened = false
  let closed = false
  let state: LinkState = 'connecting'
  let socket: WebSocket | undefined
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let heartbeat: ReturnType<typeof setInterval> | undefined

  const setState = (next: LinkState) => {
    if (next === state) return
    state = next
    for (const listener of stateListeners) listener(next)
  }

  /** Reject every request: those sent with LOST_MESSAGE, those still waiting for a first connection as unsent. */
  const failAll = () => {
    const unsent = new Set(waiting.splice(0).map((w) => w.id))
    for (const [id, p] of pending) {
      pending.delete(id)
      p.reject(new Error(unsent.has(id) ? OFFLINE_MESSAGE : LOST_MESSAGE))
    }
  }

  const connect = () => {
    retryTimer = undefined
    if (closed) return
    const ws = new Ctor(opts.url)
    socket = ws
    let opened = false
    const stalled = setTimeout(() => lost(ws, false), connectTimeout)
    ws.onopen = () => {
      clearTimeout(stalled)
      if (socket !== ws) return
      opened = true
      delay = minDelay
      setState('online')
      for (const { text } of waiting.splice(0)) ws.send(text)
      startHeartbeat(ws)
      if (everOpened) for (const listener of reconnectListeners) listener()
      everOpened = true
    }
    ws.onmessage = (event: MessageEvent) => {
      if (socket !== ws) return
      heard = Date.now()
      if (typeof event.data === 'string') receive(event.data)
    }
    ws.onclose = () => {
      clearTimeout(stalled)
      lost(ws, opened)
    }
  }

  /** The link through `ws` is gone: fail what was asked of it, say so, and try again after the backoff. */
  const lost = (ws: WebSocket, opened: boolean) => {
    if (socket !== ws) return
    socket = undefined
    stopHeartbeat()
    ws.onopen = ws.onmessage = ws.onclose = null
    // A silent socket may take long to close by itself; it is no longer listened to either way.
    if (ws.readyState === Ctor.CONNECTING || ws.readyState === Ctor.OPEN) ws.close()
    failAll()
    if (closed) return
    if (state !== 'token-rejected' || opened) setState('offline')
    if (!opened && opts.probeToken) {
      void opts.probeToken().then((verdict) => {
        if (socket !== undefined || closed) return
        if (verdict === 'rejected') setState('token-rejected')
        else if (verdict === 'unreachable' && state === 'token-rejected') setState('offline')
      })
    }
    retryTimer = setTimeout(connect, delay)
    delay = Math.min(delay * 2, maxDelay)
  }

  // Heartbeat: anything heard counts; a timer that fired late means the page was throttled (a hidden tab), not
  // that the daemon went quiet, so the silence is then counted afresh instead of judged.
  let heard = 0
  let lastPing = 0
  let lastTick = 0
  let pingId = 0
  const startHeartbeat = (ws: WebSocket) => {
    heard = lastPing = lastTick = Date.now()
    heartbeat = setInterval(() => {
      const now = Date.now()
      if (now - lastTick > tick * 4) heard = Math.max(heard, now - tick)
      lastTick = now
      if (now - heard > silence) return lost(ws, true)
      if (now - lastPing >= pingEvery && ws.readyState === Ctor.OPEN) {
        lastPing = now
        ws.send(JSON.stringify({ ping: pingId++ }))
      }
    }, tick)
  }
  const stopHeartbeat = () => {
    if (heartbeat !== undefined) clearInterval(heartbeat)
    heartbeat = undefined
  }

  const receive = (text: string) => {
    let msg: unknown
    try {
      msg = JSON.parse(text)
    } catch {
      return
    }
    if (typeof msg !== 'object' || msg === null || 'pong' in msg) return
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
      if (closed || (state !== 'online' && state !== 'connecting')) {
        return Promise.reject(new Error(OFFLINE_MESSAGE)) as never
      }
      const id = nextId++
      const text = JSON.stringify({ id, channel, input })
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        if (state === 'online' && socket?.readyState === Ctor.OPEN) socket.send(text)
        else waiting.push({ id, text })
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
    state: () => state,
    onState(listener) {
      stateListeners.add(listener)
      return () => void stateListeners.delete(listener)
    },
    reconnectNow() {
      if (closed || socket !== undefined || retryTimer === undefined) return
      clearTimeout(retryTimer)
      delay = minDelay
      connect()
    },
    close() {
      closed = true
      if (retryTimer !== undefined) clearTimeout(retryTimer)
      stopHeartbeat()
      const ws = socket
      socket = undefined
      ws?.close()
      failAll()
    },
  }
}
