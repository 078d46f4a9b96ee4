import { z } from 'zod'

import { RefreshMatch } from './refresh.ts'

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

/** The most links one `offer` lists; the 1 MiB message limit usually ends a page's list first. */
export const MAX_OFFER_LINKS = 10_000

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
/** Which downloads wait in Pinpoint (paused or failed), so a browser download of the same file can finish one. */
const Waiting = z.strictObject({ type: z.literal('waiting') })
/** Give waiting download `id` the browser's new link for its file; Pinpoint checks it serves the same file. */
const Refresh = z.strictObject({
  type: z.literal('refresh'),
  id: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  url: z.string().min(1).max(8192),
  /** The page the new link came from, and the browser's cookies for it: the download goes on with them. */
  referrer: z.string().max(8192).optional(),
  cookies: z.array(BrowserCookie).max(1024).optional(),
})

/**
 * The links of a page or a selection, for the user to review in Pinpoint's add dialog ("Download all links"):
 * shown, never added by themselves. The cookies are the browser's for the links; each download gets its own.
 */
const Offer = z.strictObject({
  type: z.literal('offer'),
  links: z.array(z.string().max(8192)).min(1).max(MAX_OFFER_LINKS),
  referrer: z.string().max(8192).optional(),
  cookies: z.array(BrowserCookie).max(1024).optional(),
})

/** What the extension may send the host; anything else is refused with a reason. */
export const NativeRequest = z.discriminatedUnion('type', [Hello, Add, Status, Waiting, Refresh, Offer])
export type NativeRequest = z.output<typeof NativeRequest>
export type NativeAdd = z.output<typeof Add>
export type NativeRefresh = z.output<typeof Refresh>
export type NativeOffer = z.output<typeof Offer>

/** The most waiting downloads one `waiting` reply lists, well inside a native message's size limit. */
export const MAX_WAITING = 200

/**
 * A download waiting in Pinpoint, as the extension may know it: its name and size to match a browser download
 * against, and its progress for the offer. Never its URL: a signed link's secret lives in the query.
 */
export const WaitingTransfer = z.strictObject({
  id: z.number().int().min(1),
  name: z.string().min(1).max(1024),
  total: z.number().int().positive(),
  done: z.number().int().nonnegative(),
  state: z.enum(['paused', 'failed']),
})
export type WaitingTransfer = z.output<typeof WaitingTransfer>

/** The answer to `waiting`; `connected` false (and nothing listed) when no Pinpoint holds the state folder. */
export const WaitingReply = z.strictObject({
  type: z.literal('waiting'),
  connected: z.boolean(),
  transfers: z.array(WaitingTransfer).max(MAX_WAITING),
})
export type WaitingReply = z.output<typeof WaitingReply>

/** The answer to `refresh`: how the link was found to serve the same file, or the error code and why not. */
export const RefreshReply = z.discriminatedUnion('ok', [
  z.strictObject({ type: z.literal('refresh'), ok: z.literal(true), matchedBy: RefreshMatch }),
  z.strictObject({ type: z.literal('refresh'), ok: z.literal(false), code: z.string().max(64), reason: z.string() }),
])
export type RefreshReply = z.output<typeof RefreshReply>

/**
 * The answer to `offer`: shown in a window or page (`count` links; `omitted` left out past the dialog's cap), or
 * not, and why (no Pinpoint running, none of its windows or pages open to show it, no link found).
 */
export const OfferReply = z.discriminatedUnion('shown', [
  z.strictObject({
    type: z.literal('offer'),
    shown: z.literal(true),
    count: z.number().int().min(1),
    omitted: z.number().int().min(0),
  }),
  z.strictObject({ type: z.literal('offer'), shown: z.literal(false), reason: z.string() }),
])
export type OfferReply = z.output<typeof OfferReply>

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
  | WaitingReply
  | RefreshReply
  | OfferReply

/** An `add`'s refusal when neither the app nor `serve` holds the state folder and none may be started. */
export const NOT_RUNNING_REASON = 'Pinpoint is not running'
