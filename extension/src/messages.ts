import { z } from 'zod'

export { OfferReply, RefreshReply, WaitingReply, type WaitingTransfer } from '../../shared/native-messages.ts'

/** The native messaging host's registered name; the host manifest carries the same. */
export const HOST_NAME = 'org.pinpoint.native'

/** A cookie as `chrome.cookies` gives it, cut to what a request needs; `expires` is seconds since the epoch. */
export interface HostCookie {
  name: string
  value: string
  domain: string
  path: string
  secure: boolean
  expires?: number
}

export interface HelloMessage {
  type: 'hello'
}

/** One download handed to Pinpoint; the cookies are only those the browser would send to `url` itself. */
export interface AddMessage {
  type: 'add'
  url: string
  referrer?: string
  filename?: string
  mime?: string
  size?: number
  userAgent?: string
  cookies?: HostCookie[]
}

/** Which downloads wait in Pinpoint, paused or failed, for a browser download to finish. */
export interface WaitingMessage {
  type: 'waiting'
}

/** The browser's link for waiting download `id`; Pinpoint takes it only when it serves the same file. */
export interface RefreshMessage {
  type: 'refresh'
  id: number
  url: string
  referrer?: string
  cookies?: HostCookie[]
}

/** A page's links for Pinpoint to show in its add dialog; the cookies are the browser's for those links. */
export interface OfferMessage {
  type: 'offer'
  links: string[]
  referrer?: string
  cookies?: HostCookie[]
}

export type HostMessage = HelloMessage | AddMessage | WaitingMessage | RefreshMessage | OfferMessage

export const HelloReply = z.object({ version: z.string(), connected: z.boolean() })
export type HelloReply = z.infer<typeof HelloReply>

export const AddReply = z.union([
  z.object({ accepted: z.literal(true), id: z.union([z.string(), z.number()]) }),
  z.object({ accepted: z.literal(false), reason: z.string() }),
])
export type AddReply = z.infer<typeof AddReply>
