import { api } from './api.ts'
import {
  AddReply,
  HelloReply,
  HOST_NAME,
  OfferReply,
  RefreshReply,
  WaitingReply,
  type AddMessage,
  type OfferMessage,
  type RefreshMessage,
} from './messages.ts'

/** Why a message to the host failed, worded for the popup: the host missing, crashing or answering nonsense. */
export class HostUnreachable extends Error {}

async function send(message: object): Promise<unknown> {
  try {
    return await api.runtime.sendNativeMessage(HOST_NAME, message)
  } catch (e) {
    const detail = (e instanceof Error ? e.message : String(e)).replace(/\.$/, '')
    throw new HostUnreachable(`Pinpoint is not reachable (${detail}). Run \`pinpoint integrate\` to connect it.`)
  }
}

export async function hello(): Promise<HelloReply> {
  const parsed = HelloReply.safeParse(await send({ type: 'hello' }))
  if (!parsed.success) throw new HostUnreachable('Pinpoint answered hello with an unexpected reply')
  return parsed.data
}

export async function addDownload(message: AddMessage): Promise<AddReply> {
  const parsed = AddReply.safeParse(await send(message))
  if (!parsed.success) throw new HostUnreachable('Pinpoint answered with an unexpected reply')
  return parsed.data
}

export async function waitingDownloads(): Promise<WaitingReply> {
  const parsed = WaitingReply.safeParse(await send({ type: 'waiting' }))
  if (!parsed.success) throw new HostUnreachable('Pinpoint answered waiting with an unexpected reply')
  return parsed.data
}

export async function refreshLink(message: RefreshMessage): Promise<RefreshReply> {
  const parsed = RefreshReply.safeParse(await send(message))
  if (!parsed.success) throw new HostUnreachable('Pinpoint answered refresh with an unexpected reply')
  return parsed.data
}

export async function offerLinks(message: OfferMessage): Promise<OfferReply> {
  const parsed = OfferReply.safeParse(await send(message))
  if (!parsed.success) throw new HostUnreachable('Pinpoint answered offer with an unexpected reply')
  return parsed.data
}
