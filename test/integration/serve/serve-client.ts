import { request } from 'node:http'

import WebSocket from 'ws'

/** What an HTTP request or a WebSocket upgrade got: the status (101 = upgraded) and the body of a refusal. */
export async function rawRequest(
  port: number,
  path: string,
  headers: Record<string, string>,
  upgrade = false,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const extra = upgrade
    ? {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      }
    : {}
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { ...extra, ...headers } })
    req.on('upgrade', (res, socket) => {
      socket.destroy()
      resolve({ status: res.statusCode ?? 0, body: '', headers: res.headers })
    })
    req.on('response', (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
    req.on('error', reject)
    req.end()
  })
}

export interface Client {
  ws: WebSocket
  events: Array<{ event: string; payload: unknown }>
  replies: Array<{ id: number | null; ok: boolean; result?: unknown; error?: string }>
  call(channel: string, input: unknown): Promise<unknown>
  sendRaw(data: string | Buffer): void
  nextReply(): Promise<{ id: number | null; ok: boolean; error?: string }>
}

/** A WebSocket client of the daemon speaking the wire format of electron/serve/ws-protocol.ts. */
export async function connect(port: number, token: string): Promise<Client> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`)
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  const events: Client['events'] = []
  const replies: Client['replies'] = []
  const waiters: Array<(r: Client['replies'][number]) => void> = []
  let nextId = 1
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as Record<string, unknown>
    if ('event' in msg) events.push(msg as Client['events'][number])
    else {
      replies.push(msg as Client['replies'][number])
      waiters.shift()?.(msg as Client['replies'][number])
    }
  })
  const nextReply = () => new Promise<Client['replies'][number]>((resolve) => waiters.push(resolve))
  return {
    ws,
    events,
    replies,
    async call(channel, input) {
      const id = nextId++
      const reply = nextReply()
      ws.send(JSON.stringify({ id, channel, input }))
      const r = await reply
      if (r.id !== id) throw new Error(`reply for ${r.id}, expected ${id}`)
      if (!r.ok) throw new Error(r.error)
      return r.result
    },
    sendRaw: (data) => ws.send(data),
    nextReply,
  }
}
