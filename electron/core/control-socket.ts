import { createHash } from 'node:crypto'
import { chmod, unlink } from 'node:fs/promises'
import { createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'

import type { EventChannel, Payload } from '../../shared/ipc.ts'

/** One line of the protocol at most; a longer one closes the connection. */
const MAX_LINE_BYTES = 5 * 1024 * 1024

/**
 * Where the process holding a state folder listens: a Unix socket inside the folder (so the folder's 0700 and
 * the socket's 0600 decide who may connect), or on Windows a named pipe named after the folder.
 */
export function controlSocketPath(stateDir: string): string {
  if (process.platform === 'win32') {
    return `\\\\.\\pipe\\pinpoint-${createHash('sha256').update(stateDir).digest('hex').slice(0, 24)}`
  }
  return join(stateDir, 'control.sock')
}

export interface ControlServer {
  readonly path: string
  /** Send an event to every connected client. */
  broadcast<C extends EventChannel>(channel: C, payload: Payload<C>): void
  close(): Promise<void>
}

/**
 * The local control socket: the same contract as the window's IPC and serve's WebSocket, one JSON object per
 * line. Client → server `{ id, channel, input }`; server → client `{ id, ok: true, result }` or
 * `{ id, ok: false, error }`, and every event as `{ event, payload }`. `handle` parses and answers a request
 * exactly as the other two transports do.
 *
 * Only the holder of the state folder's lock calls this, so a socket file left by a holder that died is stale
 * and is replaced.
 */
export async function listenControl(
  stateDir: string,
  handle: (channel: string, input: unknown) => Promise<unknown>,
): Promise<ControlServer> {
  const path = controlSocketPath(stateDir)
  const clients = new Set<Socket>()
  const server: Server = createServer((socket) => {
    clients.add(socket)
    socket.on('close', () => clients.delete(socket))
    socket.on('error', () => socket.destroy())
    let buffered = ''
    socket.setEncoding('utf8')
    socket.on('data', (text: string) => {
      buffered += text
      if (buffered.length > MAX_LINE_BYTES) return void socket.destroy()
      for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl)
        buffered = buffered.slice(nl + 1)
        void answer(socket, line)
      }
    })
  })

  const send = (socket: Socket, message: unknown) => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`)
  }
  const answer = async (socket: Socket, line: string) => {
    let msg: { id?: unknown; channel?: unknown; input?: unknown }
    try {
      msg = JSON.parse(line) as typeof msg
    } catch {
      return send(socket, { id: null, ok: false, error: 'malformed message: not JSON' })
    }
    const id = typeof msg?.id === 'number' || typeof msg?.id === 'string' ? msg.id : null
    if (typeof msg?.channel !== 'string' || id === null) {
      return send(socket, { id, ok: false, error: 'malformed message: expected { id, channel, input }' })
    }
    try {
      send(socket, { id, ok: true, result: await handle(msg.channel, msg.input) })
    } catch (err) {
      send(socket, { id, ok: false, error: (err as Error).message })
    }
  }

  if (process.platform !== 'win32') await unlink(path).catch(() => {})
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    // Created with no access for anyone else from the first moment, then made explicit.
    const mask = process.umask(0o177)
    try {
      server.listen(path, () => resolve())
    } finally {
      process.umask(mask)
    }
  })
  if (process.platform !== 'win32') await chmod(path, 0o600)
  server.unref()

  return {
    path,
    broadcast(channel, payload) {
      for (const socket of clients) send(socket, { event: channel, payload })
    },
    async close() {
      for (const socket of clients) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      if (process.platform !== 'win32') await unlink(path).catch(() => {})
    },
  }
}
