import { z } from 'zod'

import { DnsCompareReport } from './dns-compare.ts'
import { NodeReport } from './nodes.ts'

import { ConnectionInfo, ConnectionSummary, ProbeReport } from './connection.ts'
import { HostRule, TransferState } from './domain.ts'
import { ErrorCode, FailureInfo } from './errors.ts'
import { limits } from './limits.ts'
import { ConnectionProfile } from './profile.ts'
import { CookieText, CredentialInput, CredentialState, HeaderLinesText, TransferSecrets } from './transfer-secrets.ts'
import { isDownloadUrl, MAX_URL_CHARS, MAX_URLS } from './links.ts'
import { Cookie } from './cookies.ts'
import { FolderToken, Rate, SettingProblem, Settings, SettingsPatch } from './settings.ts'
import { TransferView } from './transfer.ts'
import { SignatureRequest } from './signature.ts'
import { profileRequests } from './profile-ipc.ts'
import { BackgroundStatus, Priority } from './priority.ts'
import { RefreshFrom, RefreshResult } from './refresh.ts'
import { browserHostRequests } from './browser-hosts.ts'

/**
 * The one IPC contract between the renderer and main: every channel, with the schema of what goes in and out.
 *
 * Every request takes one input object, parsed in main by the channel's schema where trust ends: unknown keys
 * are rejected, and every string and list has a cap, so a page cannot make main parse or store without bound.
 * Outputs are parsed too, which turns a handler's bug into an error here instead of a wrong shape in the UI.
 * The renderer never sends a path that main has not confined: folders are tokens from `dialog:chooseFolder` (the
 * app) or `folders:name` (a browser, inside the server's roots), and files are transfer ids.
 */

/** Most text the link parser takes at once: 1 MiB of characters. */
export const MAX_PASTE_CHARS = 1024 * 1024

/** An offer kept in main for a while (`links:offered`): a random id the window hands back with `transfers:add`. */
export const OfferId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/)

const Id = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)
const Ids = z.strictObject({ ids: z.array(Id).max(MAX_URLS) })
const Empty = z.strictObject({})
/** "Done": the void-ish result of commands, null so it survives structured cloning as itself. */
const Done = z.null()

const UrlText = z.string().max(MAX_URL_CHARS)
const HttpUrl = UrlText.refine(isDownloadUrl, { error: 'expected an http:// or https:// URL' })

/** A line that was not used, and why; the input is cut to a URL's length so a rejected blob stays small. */
export const Rejected = z.strictObject({ input: z.string().max(MAX_URL_CHARS), reason: z.string().max(1024) })
export type Rejected = z.output<typeof Rejected>

/** See AddOptions.duplicate. */
export const DuplicateChoice = z.enum(['skip', 'again', 'resume'])
export type DuplicateChoice = z.output<typeof DuplicateChoice>

/** Most bytes of a file name the user may give; the engine keeps names to 200. */
export const MAX_FILE_NAME_CHARS = 255

export const AddEach = z.strictObject({
  url: UrlText,
  duplicate: DuplicateChoice.optional(),
  /** One file name, no folder: main refuses separators, `.`/`..`, control characters and over-long names. */
  name: z.string().max(MAX_FILE_NAME_CHARS).optional(),
})

export const AddOptions = z.strictObject({
  split: z.number().int().min(limits.split.min).max(limits.split.max).optional(),
  /** `sha256=<hex>` (also sha512, sha1, md5); checked in main, a bad one rejects the URLs with the reason. */
  checksum: z.string().max(256).optional(),
  startPaused: z.boolean().optional(),
  /** Bytes per second for each of these transfers, on top of the global limit. */
  limitRate: Rate.optional(),
  /**
   * What to do with a URL already in the list (queued, running, paused, failed or completed, in any folder):
   * `skip` it, download it `again` under a free name, or `resume` the existing one. Absent: the same URL into the
   * same folder is the same download (what the CLI and the control socket do).
   */
  duplicate: DuplicateChoice.optional(),
  /** Per URL: a duplicate choice over the one above, and a file name chosen by the user (checked in main). */
  each: z.array(AddEach).max(MAX_URLS).optional(),
  /** Spread each download's connections over this many of its host's best nodes (kept in its profile). */
  nodesSpread: z.number().int().min(2).max(16).optional(),
  /** A signature URL (or `auto`), the publisher's keys and a sums file URL; checked in main. */
  signature: SignatureRequest.optional(),
  /** How these transfers share the link; the settings' default when absent. */
  priority: Priority.optional(),
  /** Extra request headers, `Name: value` lines; kept sealed with the downloads' credentials, never sent back. */
  headers: HeaderLinesText.optional(),
  /** Cookies, `name=value; name2=value2`; kept sealed like the headers. */
  cookies: CookieText.optional(),
})

/** A transfer already in the list for a URL being added. */
export const ExistingTransfer = z.strictObject({
  id: Id,
  state: TransferState,
  name: z.string().nullable(),
  dir: z.string(),
})

/** One URL of `transfers:preview`. */
export const PreviewItem = z.strictObject({
  url: z.string(),
  /** The name the server suggests (Content-Disposition), else the URL's; made safe as the engine makes it. */
  name: z.string(),
  /** Bytes, when the server said. */
  size: z.number().int().min(0).nullable(),
  /** How it was learned: `HEAD`, or `GET` with `Range: bytes=0-0` when HEAD was refused; null if never asked. */
  method: z.enum(['HEAD', 'GET']).nullable(),
  status: z.number().int().nullable(),
  /** Where redirects ended, when that differs from `url`. */
  finalUrl: z.string().nullable(),
  /** The connection the answer came over (address, SNI, TLS version, verification, pin result). */
  connection: ConnectionSummary.nullable(),
  error: FailureInfo.nullable(),
  existing: ExistingTransfer.nullable(),
  /** The free name "download again" would save it under in the folder asked about. */
  againName: z.string(),
})
export type PreviewItem = z.output<typeof PreviewItem>

export const OpenResult = z.strictObject({ ok: z.boolean(), reason: z.string().max(4096).optional() })

export const TransferDetails = z.strictObject({
  segments: z.array(z.strictObject({ start: z.number(), end: z.number(), done: z.number() })),
  events: z.array(z.strictObject({ at: z.number(), kind: z.string(), message: z.string() })),
  connections: z.array(ConnectionInfo),
})

export const TransferChanges = z.strictObject({
  seq: z.number().int(),
  patches: z.array(TransferView),
  removed: z.array(Id),
})

/** Most `--root` folders one `pinpoint serve` takes. */
export const MAX_ROOTS = 64
/** Longest sub-folder text `folders:name` takes; main also caps each folder name at 255 bytes. */
export const MAX_SUB_FOLDER_CHARS = 1024

/** What kind of shell the renderer runs in, so it offers what works there (asked once, at start-up). */
export const AppInfo = z.strictObject({
  /**
   * `desktop`: the Electron app; folders come from main's dialog (`dialog:chooseFolder`). `serve`: a browser
   * on `pinpoint serve`, which has no dialog the user could see; folders are named inside `roots`.
   */
  shell: z.enum(['desktop', 'serve']),
  /** The folders a browser may name sub-folders of (`folders:name`, by index): serve's --root; none in the app. */
  roots: z.array(z.string().max(4096)).max(MAX_ROOTS),
  /** Why "show in folder" and "open" cannot work here (the file is on another machine); null where they do. */
  revealUnavailable: z.string().max(1024).nullable(),
})
export type AppInfo = z.output<typeof AppInfo>

/** A folder named by `folders:name`, or why it was refused (expected failures are data, not exceptions). */
export const NamedFolder = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), token: FolderToken, label: z.string().max(4096) }),
  z.strictObject({ ok: z.literal(false), error: FailureInfo }),
])
export type NamedFolder = z.output<typeof NamedFolder>

export const Notice = z.strictObject({
  level: z.enum(['info', 'warning', 'error']),
  code: ErrorCode.optional(),
  message: z.string().max(4096),
})

/** A saved host rule, by its key: pattern and port (absent: the every-port rule). */
const HostRuleKey = z.strictObject({
  pattern: z.string().trim().min(1).max(260),
  port: z.number().int().min(1).max(65535).optional(),
})

/** Renderer → main. One entry per channel: what goes in, what comes back. */
export const requests = {
  'transfers:list': {
    input: Empty,
    output: z.strictObject({ seq: z.number().int(), transfers: z.array(TransferView) }),
  },
  'transfers:add': {
    input: z.strictObject({
      urls: z.array(UrlText).min(1).max(MAX_URLS),
      /** Omitted: the default download folder from the settings. */
      folder: FolderToken.optional(),
      options: AddOptions.default({}),
      /**
       * The `links:offered` these links came from: main adds the page's referrer and, to each URL, the browser's
       * cookies for its origin, kept in main since the offer (the window never sees them). Unknown or expired: none.
       */
      offer: OfferId.optional(),
    }),
    /** `skipped`: URLs left alone because they are in the list already, and why (absent before `duplicate`). */
    output: z.strictObject({
      added: z.array(TransferView),
      rejected: z.array(Rejected),
      skipped: z.array(Rejected).optional(),
    }),
  },
  /**
   * What each URL would be, asked of its server before adding (HEAD, or a `Range: bytes=0-0` GET when HEAD is
   * refused) through the download transport's host rules, bounded in time and concurrency; and what is in the
   * list already for it, with the name "download again" would give it in `folder` (default: the settings').
   */
  'transfers:preview': {
    input: z.strictObject({
      urls: z.array(HttpUrl).min(1).max(MAX_URLS),
      folder: FolderToken.optional(),
    }),
    output: z.array(PreviewItem).max(MAX_URLS),
  },
  'links:parse': {
    input: z.strictObject({
      text: z.string().max(MAX_PASTE_CHARS),
      /** `lines`: the add dialog's list, where a non-empty line with no link is rejected with the reason. */
      kind: z.enum(['text', 'html', 'uri-list', 'lines']),
    }),
    /**
     * `urls`: each accepted link once, normalized, in order of appearance (at most MAX_URLS). `duplicates`: those
     * of `urls` that the text held more than once or that are in the queue already.
     */
    output: z.strictObject({
      urls: z.array(z.string()).max(MAX_URLS),
      rejected: z.array(Rejected),
      duplicates: z.array(z.string()),
    }),
  },
  'transfers:pause': { input: Ids, output: Done },
  'transfers:resume': { input: Ids, output: Done },
  'transfers:retry': { input: Ids, output: Done },
  'transfers:cancel': { input: Ids, output: Done },
  /** Move these to the front of the queue, in this order. */
  'transfers:reorder': { input: Ids, output: Done },
  'transfers:remove': {
    input: z.strictObject({ ids: Ids.shape.ids, deleteFile: z.boolean() }),
    output: Done,
  },
  /** Show a finished file in its folder, else open the transfer's folder. */
  'transfers:reveal': { input: z.strictObject({ id: Id }), output: OpenResult },
  /** Open a finished file with its default application. */
  'transfers:open': { input: z.strictObject({ id: Id }), output: OpenResult },
  'transfers:details': { input: z.strictObject({ id: Id }), output: TransferDetails },
  'hosts:list': { input: Empty, output: z.array(HostRule) },
  'hosts:upsert': { input: z.strictObject({ rule: HostRule }), output: HostRule },
  'hosts:remove': {
    input: z.strictObject({
      pattern: z.string().trim().min(1).max(260),
      port: z.number().int().min(1).max(65535).optional(),
    }),
    output: Done,
  },
  /** Connect and report what the server presents; `rule` tries a rule before it is saved. */
  'hosts:probe': { input: z.strictObject({ url: HttpUrl, rule: HostRule.optional() }), output: ProbeReport },
  /** The system resolver against DoH for the URL's host: both answers, and every address's certificate checked. */
  'hosts:compareDns': {
    input: z.strictObject({ url: HttpUrl, rule: HostRule.optional() }),
    output: DnsCompareReport,
  },
  /** Every candidate node of the URL's host measured, best first; the ranking orders later connections. */
  'hosts:measureNodes': { input: z.strictObject({ url: HttpUrl, rule: HostRule.optional() }), output: NodeReport },
  'settings:get': { input: Empty, output: Settings },
  'settings:update': { input: SettingsPatch, output: Settings },
  'app:info': { input: Empty, output: AppInfo },
  /**
   * A folder named by text, for a browser (no folder dialog): `sub`, a relative path ('' = the root itself),
   * inside `app:info`'s root number `root`. Main refuses `..`, absolute paths, NUL and control characters,
   * names over 255 bytes and any real path outside every root (a symlink leading out), creates the missing
   * folders inside the root (as a download manager does for a new download folder), and answers a token that
   * `transfers:add` and `settings:update` take like one from the dialog. The desktop app has no roots, so there
   * every call answers BAD_INPUT: its folders come from `dialog:chooseFolder`.
   */
  'folders:name': {
    input: z.strictObject({
      root: z
        .number()
        .int()
        .min(0)
        .max(MAX_ROOTS - 1),
      sub: z.string().max(MAX_SUB_FOLDER_CHARS),
    }),
    output: NamedFolder,
  },
  /** null when the user closed the dialog; `label` is the folder as shown to the user. */
  'dialog:chooseFolder': {
    input: Empty,
    output: z.strictObject({ token: FolderToken, label: z.string() }).nullable(),
  },
  /** Saved settings this version cannot read, each with what happens instead (the view shows them). */
  'settings:problems': { input: Empty, output: z.array(SettingProblem).max(64) },
  ...profileRequests,
  /** Give these transfers a priority; running ones restart their connections under it, keeping their bytes. */
  'transfers:setPriority': { input: z.strictObject({ ids: Ids.shape.ids, priority: Priority }), output: Done },
  /** The rate background transfers share now, and why it is that (the details view polls it). */
  'background:status': { input: Empty, output: BackgroundStatus },
  /** Run these now although a schedule window holds them ("start now anyway"), until the user pauses them. */
  'transfers:startAnyway': { input: Ids, output: Done },
  /** Which credentials a transfer has (the Basic user name, whether a token, headers or cookies are set): never a value. */
  'transfers:credentials': { input: z.strictObject({ id: Id }), output: CredentialState.nullable() },
  /**
   * Replace or clear a transfer's Basic credentials or Bearer token (the 401 prompt, the details' credentials
   * part); one paused for AUTH_REQUIRED is resumed with them. Answers what is set now, as above.
   */
  'transfers:setCredentials': {
    input: z.strictObject({ id: Id, credentials: CredentialInput }),
    output: CredentialState.nullable(),
  },
  /** Which credentials a saved host rule sends to its host; never a value. */
  'hosts:credentials': { input: HostRuleKey, output: CredentialState.nullable() },
  /** Replace or clear a saved host rule's Basic credentials or Bearer token; answers what is set now. */
  'hosts:setCredentials': {
    input: z.strictObject({ ...HostRuleKey.shape, credentials: CredentialInput }),
    output: CredentialState.nullable(),
  },
  /**
   * Give a paused or failed download a new URL for the same file (its signed link expired): kept only when the new
   * URL serves the same size and validator, or the same bytes where ours are; the download keeps its progress.
   */
  'transfers:refreshUrl': {
    input: z.strictObject({ id: Id, url: HttpUrl, from: RefreshFrom.optional() }),
    output: RefreshResult,
  },
  ...browserHostRequests,
} as const

/** Most URLs one `links:offered` carries: more than anyone pastes at once, few enough to read in the dialog. */
export const MAX_OFFERED_URLS = 64

/**
 * Links a `pinpoint://add?url=…` link or a second launch handed to the app. An offer, not a command: the
 * renderer opens the add dialog pre-filled, and only the user's confirm adds them (through `transfers:add`).
 */
/**
 * What the add dialog says of where offered links came from: the browser page's site (sent as each download's
 * Referer; absent when the page had none to give) and how many of the browser's cookies for the links' sites main
 * keeps for them. The cookies themselves never reach the window.
 */
export const OfferSource = z.strictObject({
  page: z.string().min(1).max(253).optional(),
  cookies: z.number().int().min(0).max(10_000),
})
export type OfferSource = z.output<typeof OfferSource>

export const LinksOffered = z.strictObject({
  urls: z.array(HttpUrl).min(1).max(MAX_OFFERED_URLS),
  /** Names what main keeps of the offer (the page's referrer, the browser's cookies) for `transfers:add`. */
  offer: OfferId.optional(),
  /** Where a browser's offer came from, for the dialog to say; only with `offer`. */
  from: OfferSource.optional(),
})

/** Main → renderer pushes. */
export const events = {
  'transfers:changed': TransferChanges,
  'hosts:changed': z.array(HostRule),
  'settings:changed': Settings,
  notice: Notice,
  /**
   * The desktop app sends it to its window (for `pinpoint://` links, second launches and `control:offer`);
   * `pinpoint serve` sends it to every connected browser page, for `control:offer` only.
   */
  'links:offered': LinksOffered,
} as const

type Req = typeof requests
export type RequestChannel = keyof Req
export type Input<C extends RequestChannel> = z.input<Req[C]['input']>
export type Output<C extends RequestChannel> = z.output<Req[C]['output']>
export type EventChannel = keyof typeof events
export type Payload<C extends EventChannel> = z.output<(typeof events)[C]>

export interface Api {
  invoke<C extends RequestChannel>(channel: C, input: Input<C>): Promise<Output<C>>
  on<C extends EventChannel>(channel: C, listener: (payload: Payload<C>) => void): () => void
}

/** Main's side: one handler per channel, given the parsed input. A missing handler is a compile error. */
export type Handlers = { [C in RequestChannel]: (input: z.output<Req[C]['input']>) => Promise<Output<C>> }

/** Main's typed push to the renderer. */
export type Emit = <C extends EventChannel>(channel: C, payload: Payload<C>) => void

export const requestChannels = Object.keys(requests) as RequestChannel[]
export const eventChannels = Object.keys(events) as EventChannel[]

export function isRequestChannel(channel: string): channel is RequestChannel {
  return Object.hasOwn(requests, channel)
}

/**
 * What only the local control socket serves, beside every request above: its clients are processes of the same
 * user (the socket is 0600 in a 0700 folder), such as `pinpoint get` beside a running app, so they may name a
 * folder by its path and hand over a download's connection profile. The renderer can never reach these.
 */
export const controlRequests = {
  'control:add': {
    input: z.strictObject({
      urls: z.array(UrlText).min(1).max(MAX_URLS),
      dir: z.string().min(1).max(4096),
      name: z.string().min(1).max(255).optional(),
      split: z.number().int().min(limits.split.min).max(limits.split.max).optional(),
      checksum: z.string().max(256).optional(),
      profile: ConnectionProfile.optional(),
      /** A publisher's signature, its keys and a sums file the files must satisfy (shared/signature.ts). */
      signature: SignatureRequest.optional(),
      priority: Priority.optional(),
      /** Start them now even inside a schedule window that would hold them (`pinpoint get --ignore-schedule`). */
      ignoreSchedule: z.boolean().optional(),
      /** Credentials, secret headers and cookies, sealed by the receiving process in its own store. */
      secrets: TransferSecrets.optional(),
    }),
    /** `ids`: every download the request names (added, already there, or done), in input order. */
    output: z.strictObject({
      ids: z.array(Id),
      done: z.array(z.strictObject({ id: Id, savedPath: z.string().max(4096).nullable() })),
      rejected: z.array(Rejected),
    }),
  },
  /**
   * Links for the user to review, not to add: the browser extension's "Download all links". Main finds the links
   * in `text` with the same parser as a drop (`links:parse`, of `kind`), and shows them in the add dialog of the
   * app's window (created if the app runs in the tray) or of every page open on `pinpoint serve`. Only the user's
   * confirm adds them. Past MAX_OFFERED_URLS links the rest are left out, counted in `omitted`.
   */
  'control:offer': {
    input: z.strictObject({
      /** The links as text (one per line for `uri-list`); at most 1 MiB, like a paste. */
      text: z.string().max(MAX_PASTE_CHARS),
      kind: z.enum(['text', 'html', 'uri-list']).default('uri-list'),
      /** The page the links are on: sent as Referer by the downloads the user confirms. */
      referrer: UrlText.optional(),
      /** The browser's cookies for the links' origins; each download gets only its own origin's. */
      cookies: z.array(Cookie).max(1024).optional(),
    }),
    /**
     * `shown`: a window or page took the offer (`count` links, `omitted` left out past the cap); false when none
     * is open to show it (the app is not running with a window, no browser is on `pinpoint serve`).
     */
    output: z.discriminatedUnion('shown', [
      z.strictObject({ shown: z.literal(true), count: z.number().int().min(1), omitted: z.number().int().min(0) }),
      z.strictObject({ shown: z.literal(false) }),
    ]),
  },
} as const
export type ControlChannel = keyof typeof controlRequests
export type ControlInput<C extends ControlChannel> = z.input<(typeof controlRequests)[C]['input']>
export type ControlOutput<C extends ControlChannel> = z.output<(typeof controlRequests)[C]['output']>

export function isControlChannel(channel: string): channel is ControlChannel {
  return Object.hasOwn(controlRequests, channel)
}
