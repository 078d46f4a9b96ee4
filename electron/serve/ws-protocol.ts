import { z } from 'zod'

import { isRequestChannel, requests, type EventChannel, type Payload, type RequestChannel } from '../../shared/ipc.ts'
import { describe } from '../ipc/dispatch.ts'

/**
 * The wire format over the WebSocket, one JSON object per text message.
 *
 * Client → server: `{ id, channel, input }`. Server → client: `{ id, ok: true, result }` or
 * `{ id, ok: false, error }`, and events as `{ event, payload }`. A message that is not a valid request is
 * answered with the id it carried when that id could be read (a number, or a short string), else with null.
 */
export const ClientMessage = z.strictObject({
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  channel: z.string().max(100),
  input: z.unknown(),
})
export type ClientMessage = z.output<typeof ClientMessage>

/** The page's heartbeat, `{ ping: n }`, answered `{ pong: n }` at once (outside the IPC contract). */
export const Ping = z.strictObject({ ping: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) })
export type Ping = z.output<typeof Ping>

/** The id a reply carries: the request's, what could be read of a malformed one's, or null. */
export type ReplyId = number | string | null

export type ServerMessage =
  | { id: ReplyId; ok: true; result: unknown }
  | { id: ReplyId; ok: false; error: string }
  | { event: EventChannel; payload: Payload<EventChannel> }
  | { pong: number }

/** Above this a message gets an error reply; far above, ws closes the socket (1009) before reading it. */
export const MAX_MESSAGE_BYTES = 5 * 1024 * 1024
export const HARD_MAX_MESSAGE_BYTES = 16 * 1024 * 1024

/** The longest string id echoed back from a malformed message; a longer one is not worth sending back. */
const MAX_ECHOED_ID_CHARS = 100

/** Read one client message, or say what is wrong with it (keeping its id when that much could be read). */
export function parseClientMessage(
  data: Buffer,
  isBinary: boolean,
): ClientMessage | Ping | { error: string; id: ReplyId } {
  if (isBinary) return { id: null, error: 'expected a text message' }
  if (data.length > MAX_MESSAGE_BYTES) return { id: null, error: `message too large (over ${MAX_MESSAGE_BYTES} bytes)` }
  let json: unknown
  try {
    json = JSON.parse(data.toString('utf8'))
  } catch {
    return { id: null, error: 'malformed message: not JSON' }
  }
  const ping = Ping.safeParse(json)
  if (ping.success) return ping.data
  const parsed = ClientMessage.safeParse(json)
  if (!parsed.success) return { id: readableId(json), error: 'malformed message: expected { id, channel, input }' }
  return parsed.data
}

/** The id of a message that is not a valid request, if it has one a client could match its reply by. */
function readableId(json: unknown): ReplyId {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null
  const id = (json as { id?: unknown }).id
  // JSON.parse turns 1e400 into Infinity, which JSON.stringify would send back as null anyway.
  if (typeof id === 'number' && Number.isFinite(id)) return id
  if (typeof id === 'string' && id.length <= MAX_ECHOED_ID_CHARS) return id
  return null
}

/**
 * Parse a request's input with its channel's schema, throwing the dispatcher's errors ("unknown channel …",
 * "transfers:open: id: …"), so a channel serve answers itself never answers an input the app would refuse.
 */
export function parseRequestInput(channel: string, raw: unknown): { channel: RequestChannel; input: unknown } {
  if (!isRequestChannel(channel)) throw new Error(`unknown channel ${JSON.stringify(channel.slice(0, 100))}`)
  const input = requests[channel].input.safeParse(raw)
  if (!input.success) throw new Error(`${channel}: ${describe(input.error)}`)
  return { channel, input: input.data }
}
