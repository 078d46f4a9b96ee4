import { z } from 'zod'

/** The most a native message may be, each way: Chromium's limit for what a host sends is 1 MiB. */
export const MAX_NATIVE_MESSAGE_BYTES = 1024 * 1024

/** A cookie as the browser's `chrome.cookies` API describes it (a leading dot marks a domain cookie). */
export const BrowserCookie = z.strictObject({
  name: z.string().max(4096),
  value: z.string().max(8192),
  domain: z.string().min(1).max(260),
  path: z.string().max(4096),
  secure: z.boolean(),
  /** Seconds since the epoch, as `chrome.cookies` gives it (fractional); absent: a session cookie. */
  expires: z.number().nonnegative().optional(),
})
export type BrowserCookie = z.output<typeof BrowserCookie>

const Hello = z.strictObject({ type: z.literal('hello') })
const Add = z.strictObject({
  type: z.literal('add'),
  url: z.string().min(1).max(8192),
  referrer: z.string().max(8192).optional(),
  filename: z.string().min(1).max(1024).optional(),
  mime: z.string().max(256).optional(),
  size: z.number().int().nonnegative().optional(),
  userAgent: z.string().max(1024).optional(),
  cookies: z.array(BrowserCookie).max(1024).optional(),
})
const Status = z.strictObject({ type: z.literal('status') })

/** What the extension may send the host; anything else is refused with a reason. */
export const NativeRequest = z.discriminatedUnion('type', [Hello, Add, Status])
export type NativeRequest = z.output<typeof NativeRequest>
export type NativeAdd = z.output<typeof Add>

/** One hand-off the host made, newest last, for `status`. */
export const HandOff = z.strictObject({
  url: z.string(),
  at: z.number().int(),
  accepted: z.boolean(),
  id: z.number().int().optional(),
  reason: z.string().optional(),
})
export type HandOff = z.output<typeof HandOff>

/** The host's answers. `error` ends the conversation: the host exits after sending it. */
export type NativeReply =
  | { type: 'hello'; version: string; connected: boolean }
  | { type: 'add'; accepted: true; id: number }
  | { type: 'add'; accepted: false; reason: string }
  | { type: 'status'; connected: boolean; handOffs: HandOff[] }
  | { type: 'refused'; reason: string }
  | { type: 'error'; reason: string }

/** An `add`'s refusal when neither the app nor `serve` holds the state folder and none may be started. */
export const NOT_RUNNING_REASON = 'Pinpoint is not running'
