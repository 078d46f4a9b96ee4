import { readFile } from 'node:fs/promises'
import type * as Http from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { createRequire } from 'node:module'
import type { Duplex } from 'node:stream'
import { fileURLToPath } from 'node:url'

import { WebSocketServer, type WebSocket } from 'ws'

import { categoryFolder } from '../../shared/categories.ts'
import { MAX_ROOTS, type Emit } from '../../shared/ipc.ts'
import { startCore, type Core } from '../app-core.ts'
import { confineAtUse, confineToRoots } from './roots.ts'
import { refusalPage, wantsHtml } from './refusal-page.ts'
import { check, cookieName, makeToken, SECURITY_HEADERS, type Gate, type Verdict } from './security.ts'
import { NOT_OFFERED, serveDesktop } from './serve-desktop.ts'
import { serveStatic } from './static-files.ts'
import { tokenFromFile } from './token-file.ts'
import { HARD_MAX_MESSAGE_BYTES, parseClientMessage, parseRequestInput, type ServerMessage } from './ws-protocol.ts'

/**
 * node:http is required, not imported: an ESM import makes Node copy every export of the module, and one of them
 * is a getter that loads Node's bundled fetch and WebSocket implementation (undici), about 40 ms of CPU at every
 * start of every CLI command, though only `serve` uses the server and none of them uses undici.
 */
const { createServer: createHttpServer } = createRequire(import.meta.url)('node:http') as typeof Http

export interface ServeOptions {
  port: number
  host: string
  /** Folders downloads may go to; the first is the default download folder. At least one. */
  roots: string[]
  stateDir: string
  /** The built renderer; defaults to dist/renderer of this checkout. */
  rendererDir?: string
  tls?: { cert: string; key: string }
  /** Keep the token in this file (made 0600 when missing), so it stays the same across restarts. */
  tokenFile?: string
}

export interface Daemon {
  /** The URL to open, token included. */
  url: string
  token: string
  port: number
  core: Core
  clients(): number
  /** Cut every WebSocket as a network failure would (tests check that browsers reconnect and resync). */
  dropClients(): void
  /** Close every socket and the server, then flush, fsync and commit every transfer and close the store. */
  close(): Promise<void>
}

const defaultRendererDir = fileURLToPath(new URL('../../dist/renderer', import.meta.url))

/**
 * `pinpoint serve`: the same core and IPC handlers as the app, behind an HTTP server for the built renderer and
 * a WebSocket at /ws for the IPC contract. Every request passes `check` (Host, Origin, token) first.
 */
export async function startServe(opts: ServeOptions): Promise<Daemon> {
  if (opts.roots.length === 0) throw new Error('at least one --root folder is needed')
  if (opts.roots.length > MAX_ROOTS) throw new Error(`at most ${MAX_ROOTS} --root folders`)
  const roots = await Promise.all(opts.roots.map((r) => confineToRoots(r, [r])))
  const rendererDir = opts.rendererDir ?? defaultRendererDir
  // Read before listening, so a token file refused (shared, a symlink) stops the start with nothing open.
  const token = opts.tokenFile === undefined ? makeToken() : await tokenFromFile(opts.tokenFile)
  const tls = opts.tls !== undefined
  const server: Server = tls
    ? createHttpsServer({ cert: await readFile(opts.tls!.cert), key: await readFile(opts.tls!.key) })
    : createHttpServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host, () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : opts.port
  const gate: Gate = { token, port, host: opts.host, tls }
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host
  const origin = `${tls ? 'https' : 'http'}://${shownHost === '0.0.0.0' || shownHost === '[::]' ? '127.0.0.1' : shownHost}:${port}`
  const appUrl = `${origin}/`

  const sockets = new Set<WebSocket>()
  const send = (ws: WebSocket, message: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message))
  }
  const emit: Emit = (event, payload) => {
    for (const ws of sockets) send(ws, { event, payload })
  }
  const core = await startCore({
    stateDir: opts.stateDir,
    defaultDownloadDir: roots[0]!,
    appUrl,
    desktop: serveDesktop(roots),
    emit,
    // The check at add below is not enough: folders change after it, and the state folder holds transfers from
    // other runs, so every file operation checks its folder again (transfers outside end OUTSIDE_ROOTS).
    confine: confineAtUse(roots),
    // Offered links go to every page open on this server; with none open, nobody could review them.
    offer: (offered) => {
      const open = [...sockets].filter((ws) => ws.readyState === ws.OPEN)
      for (const ws of open) send(ws, { event: 'links:offered', payload: offered })
      return open.length > 0
    },
  }).catch(async (err: unknown) => {
    // The listening server would keep the process alive after the error (a state folder held by another process).
    await new Promise<void>((resolve) => server.close(() => resolve()))
    throw err
  })

  /** The app's dispatcher, with what only a daemon must add: reveal/open refused, folders kept inside the roots. */
  const handle = async (channel: string, raw: unknown): Promise<unknown> => {
    // Parsed before anything below answers or reads it, so an input the dispatcher would refuse is refused here too.
    parseRequestInput(channel, raw)
    if (channel === 'transfers:reveal' || channel === 'transfers:open') return { ok: false, reason: NOT_OFFERED }
    if (channel === 'transfers:add' && typeof raw === 'object' && raw !== null) {
      const { folder, urls } = raw as { folder?: unknown; urls: string[] }
      const settings = core.ipc.settings.get()
      // Without a folder, each URL goes to its category's folder, which another run (the app) may have set
      // outside this server's roots: each folder the add would use is checked.
      const dirs =
        typeof folder === 'string'
          ? [core.ipc.folders.resolve(folder)]
          : urls.map((url) => categoryFolder(url, settings.categories) ?? settings.downloadDir)
      for (const dir of new Set(dirs)) {
        if (dir === undefined) continue
        try {
          await confineToRoots(dir, roots)
        } catch (err) {
          throw new Error(`transfers:add: folder: ${(err as Error).message}`)
        }
      }
    }
    return core.ipc.dispatcher.handle(channel, raw, appUrl)
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: HARD_MAX_MESSAGE_BYTES })
  wss.on('connection', (ws) => {
    sockets.add(ws)
    ws.on('close', () => sockets.delete(ws))
    ws.on('error', () => sockets.delete(ws))
    ws.on('message', (data, isBinary) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer)
      const msg = parseClientMessage(buf, isBinary)
      if ('error' in msg) return send(ws, { id: msg.id, ok: false, error: msg.error })
      // The page's heartbeat: answered here, so a page hears within its timeout whether the daemon still runs.
      if ('ping' in msg) return send(ws, { pong: msg.ping })
      handle(msg.channel, msg.input).then(
        (result) => send(ws, { id: msg.id, ok: true, result }),
        (err: unknown) => send(ws, { id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
      )
    })
  })

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const verdict = check(req, gate)
    if (!verdict.ok) return refuseRequest(req, res, verdict, cookieName(port))
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed')
    const url = new URL(req.url ?? '/', 'http://x')
    if (verdict.viaQuery || url.pathname === '/' || url.pathname === '/index.html') {
      // The page's own assets, its socket and later loads carry the token without it in any URL: the page takes
      // it out of the address bar once loaded. With a token file it outlives the browser session too (a
      // bookmark of the bare address keeps working), renewed with every page load.
      const secure = tls ? '; Secure' : ''
      const lasting = opts.tokenFile === undefined ? '' : `; Max-Age=${COOKIE_MAX_AGE_S}`
      res.setHeader('set-cookie', `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/${lasting}${secure}`)
    }
    void serveStatic(rendererDir, url.pathname, res)
  })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that resets mid-handshake must not take the daemon down.
    socket.on('error', () => socket.destroy())
    const verdict = check(req, gate)
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (!verdict.ok || path !== '/ws') {
      const status = verdict.ok ? 404 : verdict.status
      const body = `${verdict.ok ? 'not found' : verdict.reason}\n`
      const head = `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found'}`
      socket.end(
        `${head}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      )
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  let closing: Promise<void> | undefined
  return {
    url: `${appUrl}?token=${token}`,
    token,
    port,
    core,
    clients: () => sockets.size,
    dropClients() {
      for (const ws of sockets) ws.terminate()
    },
    close() {
      closing ??= (async () => {
        for (const ws of sockets) ws.close(1001, 'server shutting down')
        wss.close()
        server.closeAllConnections()
        await new Promise<void>((resolve) => server.close(() => resolve()))
        await core.shutdown()
      })()
      return closing
    },
  }
}

/** How long a browser keeps the cookie of a token kept in a file: a month without opening the page. */
const COOKIE_MAX_AGE_S = 30 * 24 * 3600

/**
 * A refused request: a browser's page load gets a page saying what to do (see refusal-page.ts), anything else
 * the one-line reason. A refused token cookie is cleared, so the next load after the right URL starts clean.
 */
function refuseRequest(
  req: IncomingMessage,
  res: ServerResponse,
  verdict: Extract<Verdict, { ok: false }>,
  cookie: string,
): void {
  if (verdict.status !== 401 || !wantsHtml(req)) return refuse(res, verdict.status, verdict.reason)
  const headers = { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' }
  if (req.headers.cookie?.includes(`${cookie}=`)) {
    res.setHeader('set-cookie', `${cookie}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`)
  }
  res.writeHead(401, headers)
  res.end(refusalPage(verdict.tokenGiven === true))
}

function refuse(res: ServerResponse, status: number, reason: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' })
  res.end(`${reason}\n`)
}
