import { z } from 'zod'

import type { EventChannel, Payload } from '../../shared/ipc.ts'

/**
 * The wire format over the WebSocket, one JSON object per text message.
 *
 * Client → server: `{ id, channel, input }`. Server → client: `{ id, ok: true, result }` or
 * `{ id, ok: false, error }` (id null when the message could not be read), and events as `{ event, payload }`.
 */
export const ClientMessage = z.strictObject({
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  channel: z.string().max(100),
  input: z.unknown(),
})
export type ClientMessage = z.output<typeof ClientMessage>

export type ServerMessage =
  | { id: number | null; ok: true; result: unknown }
  | { id: number | null; ok: false; error: string }
  | { event: EventChannel; payload: Payload<EventChannel> }

/** Above this a message gets an error reply; far above, ws closes the socket (1009) before reading it. */
export const MAX_MESSAGE_BYTES = 5 * 1024 * 1024
export const HARD_MAX_MESSAGE_BYTES = 16 * 1024 * 1024

/** Read one client message, or say what is wrong with it. */
export function parseClientMessage(data: Buffer, isBinary: boolean): ClientMessage | { error: string; id: null } {
  if (isBinary) return { id: null, error: 'expected a text message' }
  if (data.length > MAX_MESSAGE_BYTES) return { id: null, error: `message too large (over ${MAX_MESSAGE_BYTES} bytes)` }
  let json: unknown
  try {
    json = JSON.parse(data.toString('utf8'))
  } catch {
    return { id: null, error: 'malformed message: not JSON' }
  }
  const parsed = ClientMessage.safeParse(json)
  if (!parsed.success) return { id: null, error: 'malformed message: expected { id, channel, input }' }
  return parsed.data
}
