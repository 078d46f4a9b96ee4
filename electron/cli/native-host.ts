import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable, Writable } from 'node:stream'

import type { ControlOutput } from '../../shared/ipc.ts'
import {
  HandOff,
  NativeRequest,
  NOT_RUNNING_REASON,
  type NativeAdd,
  type NativeReply,
} from '../../shared/native-messages.ts'
import type { Settings } from '../../shared/settings.ts'
import { APP_VERSION } from '../../shared/version.ts'
import { connectControl } from './control-client.ts'
import { controlAddFor } from './native-add.ts'
import { refreshIn, waitingIn } from './native-refresh.ts'
import { offerIn } from './native-offer.ts'
import { createNativeDecoder, encodeNativeMessage } from './native-framing.ts'
import { startFromBrowserAllowed, startServeFor, type StartPinpoint } from './native-start.ts'

const HANDOFFS_FILE = 'native-handoffs.json'
const KEEP_HANDOFFS = 20
const NOT_RUNNING = NOT_RUNNING_REASON

/** The last hand-offs, kept in the state folder: the browser starts a new host process for each message. */
async function readHandOffs(stateDir: string): Promise<HandOff[]> {
  try {
    const parsed = HandOff.array().safeParse(JSON.parse(await readFile(join(stateDir, HANDOFFS_FILE), 'utf8')))
    return parsed.success ? parsed.data : []
  } catch {
    return []
  }
}

async function recordHandOff(stateDir: string, h: HandOff): Promise<void> {
  const all = [...(await readHandOffs(stateDir)), h].slice(-KEEP_HANDOFFS)
  await mkdir(stateDir, { recursive: true, mode: 0o700 })
  const tmp = join(stateDir, `${HANDOFFS_FILE}.${process.pid}.tmp`)
  await writeFile(tmp, JSON.stringify(all), { mode: 0o600 })
  await rename(tmp, join(stateDir, HANDOFFS_FILE))
}

async function isRunning(stateDir: string): Promise<boolean> {
  const client = await connectControl(stateDir)
  client?.close()
  return client !== undefined
}

async function handOver(stateDir: string, msg: NativeAdd, start: StartPinpoint): Promise<NativeReply> {
  // Only when the user allowed it: a web page's download must not start a daemon the user never asked for.
  let client = await connectControl(stateDir)
  const allowed = client ? undefined : startFromBrowserAllowed(stateDir)
  if (allowed) client = await start(stateDir, allowed.downloadDir)
  if (!client) return { type: 'add', accepted: false, reason: NOT_RUNNING }
  try {
    const settings = await client.request<Settings>('settings:get', {})
    const made = controlAddFor(msg, settings.downloadDir)
    if (!made.ok) return { type: 'add', accepted: false, reason: made.reason }
    const added = await client.request<ControlOutput<'control:add'>>('control:add', made.input)
    const refused = added.rejected[0]
    if (refused) return { type: 'add', accepted: false, reason: refused.reason }
    const id = added.ids[0]
    if (id === undefined) return { type: 'add', accepted: false, reason: 'the running Pinpoint added nothing' }
    return { type: 'add', accepted: true, id }
  } catch (err) {
    return { type: 'add', accepted: false, reason: (err as Error).message }
  } finally {
    client.close()
  }
}

async function answer(stateDir: string, value: unknown, start: StartPinpoint): Promise<NativeReply> {
  const parsed = NativeRequest.safeParse(value)
  if (!parsed.success) {
    const type = (value as { type?: unknown } | null)?.type
    const known =
      type === 'hello' ||
      type === 'add' ||
      type === 'status' ||
      type === 'waiting' ||
      type === 'refresh' ||
      type === 'offer'
    return {
      type: 'refused',
      reason: known
        ? `a malformed ${type} message: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ')}`
        : `unknown message type ${JSON.stringify(type ?? null)}`,
    }
  }
  const msg = parsed.data
  if (msg.type === 'hello') return { type: 'hello', version: APP_VERSION, connected: await isRunning(stateDir) }
  if (msg.type === 'status')
    return { type: 'status', connected: await isRunning(stateDir), handOffs: await readHandOffs(stateDir) }
  if (msg.type === 'waiting') return waitingIn(stateDir)
  if (msg.type === 'refresh') return refreshIn(stateDir, msg)
  if (msg.type === 'offer') return offerIn(stateDir, msg, start)
  const reply = await handOver(stateDir, msg, start)
  if (reply.type === 'add')
    await recordHandOff(stateDir, {
      url: msg.url.slice(0, 8192),
      at: Date.now(),
      accepted: reply.accepted,
      ...(reply.accepted ? { id: reply.id } : { reason: reply.reason }),
    }).catch(() => {})
  return reply
}

/**
 * `pinpoint native-host`: the browser extension's native messaging host. Messages are answered one at a time,
 * in order; the host ends when the browser closes its stdin (0) or after a message it cannot frame, which gets
 * one `error` reply first (1), since nothing after a bad frame can be read as a message. When no Pinpoint runs
 * and the user allowed it, `start` starts one: `pinpoint serve` from the CLI, the app itself when it is the host.
 */
export async function runNativeHost(
  stateDir: string,
  input: Readable,
  output: Writable,
  start: StartPinpoint = startServeFor,
): Promise<number> {
  const decoder = createNativeDecoder()
  const send = (reply: NativeReply) =>
    new Promise<void>((resolve) => {
      let frame: Buffer
      try {
        frame = encodeNativeMessage(reply)
      } catch (err) {
        frame = encodeNativeMessage({ type: 'error', reason: (err as Error).message })
      }
      output.write(frame, () => resolve())
    })
  for await (const chunk of input as AsyncIterable<Buffer>) {
    for (const frame of decoder.push(chunk)) {
      if (!frame.ok) {
        await send({ type: 'error', reason: frame.reason })
        input.destroy()
        return 1
      }
      await send(await answer(stateDir, frame.value, start))
    }
  }
  if (decoder.pending() > 0) {
    await send({ type: 'error', reason: 'the input ended inside a message' })
    return 1
  }
  return 0
}
