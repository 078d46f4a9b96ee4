import type { DuplicateChoice } from '../../shared/ipc.ts'
import { limits } from '../../shared/limits.ts'
import { checkDownloadUrl } from '../../shared/links.ts'
import { PinpointError } from '../../shared/pinpoint-error.ts'
import { parseProfile, serializeProfile, type ConnectionProfile } from '../../shared/profile.ts'
import type { Priority } from '../../shared/priority.ts'
import { settingFields } from '../../shared/settings.ts'
import { serializeSignatureRequest, type SignatureRequest } from '../../shared/signature.ts'
import { splitCredentials } from '../../shared/url-credentials.ts'
import { splitKeys } from '../signatures/classify.ts'
import type { TransferSecrets } from '../../shared/transfer-secrets.ts'
import { formatChecksum, parseChecksum } from '../engine/checksum.ts'
import { nameFromUrl } from '../engine/file-names.ts'
import { exists } from '../engine/target-path.ts'
import type { Store } from '../store/open-store.ts'
import type { TransferRow } from '../store/transfer-row.ts'
import { latestByUrl } from './existing-transfers.ts'
import { freeNames } from './free-name.ts'
import { addByCategory } from './add-by-category.ts'
import type { Queue } from './queue.ts'
import { checkUserFileName } from './user-file-name.ts'

export interface AddRequest {
  /** As the user gave them; each is checked here (http and https only, a sane length). */
  urls: readonly string[]
  /** The folder, already resolved and allowed by the caller. */
  dir: string
  /** The file name, for one URL (the CLI's `-o`); otherwise the server's or the URL's. */
  name?: string
  /** Connections per download; the saved setting (the app's, and so the CLI's too) when absent. */
  split?: number
  checksum?: string
  limitRate?: number
  /** The download's own connection rules (see shared/profile.ts). */
  profile?: ConnectionProfile
  /** Added paused instead of queued. */
  paused?: boolean
  /**
   * Credentials, secret headers and cookies for every URL of the request (the CLI's `-u`, `--oauth2-bearer`,
   * secret `-H`, `-b`); given again for an unfinished download, each part replaces the saved one.
   */
  secrets?: TransferSecrets
  /**
   * How a profile given now meets the one an unfinished download already has: the caller's merge (the CLI's
   * flags over the stored rules); by default the stored one stands.
   */
  mergeProfile?: (
    now: ConnectionProfile | undefined,
    stored: ConnectionProfile | undefined,
  ) => ConnectionProfile | undefined
  /**
   * What to do with a URL that is in the list already, in any folder (see AddOptions.duplicate in shared/ipc.ts).
   * Absent: the same URL into the same folder (and name) is the same download, as described below.
   */
  duplicate?: DuplicateChoice
  /** Per URL, keyed by the URL as checkDownloadUrl normalizes it: a choice over `duplicate`, and a file name. */
  each?: ReadonlyMap<string, { duplicate?: DuplicateChoice | undefined; name?: string | undefined }>
  /**
   * `dir` is only the default (the user chose no folder): each URL goes to its category's folder where the
   * settings give one (see add-by-category.ts).
   */
  byCategory?: boolean
  /** A publisher's signature, its keys and a sums file each file must satisfy before it completes. */
  signature?: SignatureRequest
  /** How the downloads share the link; the saved setting when absent. Given for one already there, it moves it. */
  priority?: Priority
  /** Secrets for one URL only (a browser's cookies for its origin), merged under `secrets`. */
  secretsFor?: (url: string) => TransferSecrets | undefined
}

export interface AddResult {
  /** New downloads, in input order. */
  added: TransferRow[]
  /** Unfinished downloads of the same URL into the same folder (and name): the same download, resumed. */
  existing: TransferRow[]
  /** Finished downloads of the same URL whose file is still there: nothing to do. */
  done: TransferRow[]
  /** Downloads in the list already that a `skip` choice left alone (not in `rows`). */
  skipped: TransferRow[]
  rejected: Array<{ input: string; reason: string }>
  /** Every download the request names (added, existing or done), in input order. */
  rows: TransferRow[]
}

/**
 * The one way a download is added, for the app's IPC, `pinpoint serve`, and `pinpoint get`: the URL checks, the
 * limits and defaults, the checksum's syntax, de-duplication and the connection profile, in one transaction.
 *
 * The same URL into the same folder (under the same name, when one is given) is the same download: an
 * unfinished one is resumed rather than started twice, and a finished one whose file is still there is reported
 * as done. Nothing here starts a download; the caller starts what it added.
 */
export async function addDownloads(deps: { store: Store; queue: Queue }, req: AddRequest): Promise<AddResult> {
  if (req.byCategory === true) return addByCategory(deps, req, addDownloads)
  const { store, queue } = deps
  const split = req.split ?? savedSplit(store)
  if (!Number.isInteger(split) || split < limits.split.min || split > limits.split.max) {
    throw new PinpointError(
      'BAD_INPUT',
      `connections per download: expected a whole number from ${limits.split.min} to ${limits.split.max}, got ${split}`,
    )
  }
  const priority = req.priority ?? savedPriority(store)
  const result: AddResult = { added: [], existing: [], done: [], skipped: [], rejected: [], rows: [] }
  let checksum: string | undefined
  try {
    checksum = req.checksum === undefined ? undefined : formatChecksum(parseChecksum(req.checksum))
    if (checksum !== undefined && req.urls.length > 1) throw new Error('a checksum is for one URL')
  } catch (err) {
    // It applies to every URL of the request, so each is refused with the reason.
    const reason = `bad checksum: ${(err as Error).message.replace(/^--checksum /, '')}`
    return { ...result, rejected: req.urls.map((input) => ({ input, reason })) }
  }
  let signature: string | null
  try {
    signature = serializeSignatureRequest(req.signature)
    checkSignatureRequest(req.signature, req.urls.length)
  } catch (err) {
    const reason = `bad signature settings: ${(err as Error).message}`
    return { ...result, rejected: req.urls.map((input) => ({ input, reason })) }
  }
  const urls: string[] = []
  for (const input of req.urls) {
    const checked = checkDownloadUrl(input)
    if (checked.ok) urls.push(checked.url)
    else result.rejected.push({ input, reason: checked.reason })
  }
  // What is already there is looked up first: a finished file is checked on disk, which is not for a transaction.
  const latest = req.duplicate !== undefined || req.each !== undefined ? latestByUrl(store) : undefined
  // The folder every new download of this request goes to.
  const dir = req.dir
  // Every lookup in one read: outside a transaction each query is one of its own, and SQLite takes and releases
  // the WAL's read lock around it, two system calls per URL of a long list.
  const looked = store.transaction(() => {
    const out: Looked[] = []
    for (const url of urls) {
      const own = req.each?.get(url)
      let name = req.name ?? null
      if (own?.name !== undefined) {
        const checked = checkUserFileName(own.name)
        if (!checked.ok) {
          result.rejected.push({ input: url, reason: `file name "${own.name}": ${checked.reason}` })
          continue
        }
        name = checked.name
      }
      const choice = own?.duplicate ?? req.duplicate
      if (choice === undefined) out.push({ url, name, same: store.transfers.findExisting(url, dir, name) })
      else out.push({ url, name, choice, existing: latest?.get(splitCredentials(url).url) })
    }
    return out
  })
  let free: ((name: string) => Promise<string>) | undefined
  const seen: Seen[] = []
  for (const { url, name, choice, same, existing } of looked) {
    if (choice === undefined) {
      const found = same?.state === 'completed' ? undefined : same
      const finished = same?.state === 'completed' ? same : undefined
      if (found) seen.push({ url, name, found })
      else if (finished?.savedPath && (await exists(finished.savedPath))) seen.push({ url, name, finished })
      else seen.push({ url, name })
    } else if (existing === undefined) {
      seen.push({ url, name })
    } else if (choice === 'skip') {
      result.skipped.push(existing)
    } else if (choice === 'resume') {
      seen.push(existing.state === 'completed' ? { url, name, finished: existing } : { url, name, found: existing })
    } else {
      // A new download beside the old one, under a name nothing else has or will take.
      seen.push({
        url,
        name: await (free ??= freeNames(store, dir))(name ?? existing.name ?? nameFromUrl(new URL(url))),
      })
    }
  }
  const secretsOf = (url: string) => mergedSecrets(req.secretsFor?.(url), req.secrets)
  const merge = req.mergeProfile ?? ((_now, stored) => stored)
  const connection = serializeProfile(req.profile)
  // A URL given twice (a list with a repeated line) is one download, as it would be on a later request: the
  // lookups above ran before either was added, so the ones added here are remembered by the same key.
  const addedHere = new Map<string, TransferRow>()
  store.transaction(() => {
    for (const s of seen) {
      const key = `${s.name ?? ''}\n${s.url}`
      const again = s.found || s.finished ? undefined : addedHere.get(key)
      if (again) {
        result.existing.push(again)
        result.rows.push(again)
        continue
      }
      if (s.finished) {
        result.done.push(s.finished)
        result.rows.push(s.finished)
      } else if (s.found) {
        // Credentials given again replace the saved ones: a wrong or changed password is put right by re-adding.
        const { credentials } = splitCredentials(s.url)
        const given = secretsOf(s.url)
        if (credentials || given) {
          store.secrets.putAll(s.found.id, { ...savedSecrets(store, s.found.id), ...credentials, ...given })
        }
        const next = serializeProfile(merge(req.profile, parseProfile(s.found.connection)))
        let row = next === s.found.connection ? s.found : store.transfers.update(s.found.id, { connection: next })
        // Signature settings given again replace the stored ones; absent, the download keeps what it had.
        if (signature !== null && signature !== row.signature) row = store.transfers.update(row.id, { signature })
        if (req.priority && req.priority !== row.priority)
          row = store.transfers.update(row.id, { priority: req.priority })
        result.existing.push(row)
        result.rows.push(row)
      } else {
        const row = queue.add({
          url: s.url,
          dir,
          split,
          ...(s.name === null ? {} : { name: s.name }),
          ...(checksum === undefined ? {} : { checksum }),
          ...(req.limitRate === undefined ? {} : { limitRate: req.limitRate }),
          connection,
          paused: req.paused === true,
          signature,
          priority,
          ...withSecrets(secretsOf(s.url)),
        })
        addedHere.set(key, row)
        result.added.push(row)
        result.rows.push(row)
      }
    }
  })
  return result
}

/** A URL of the request with what the store holds of it: the same download, or under a duplicate choice, the latest. */
interface Looked {
  url: string
  name: string | null
  choice?: DuplicateChoice
  same?: TransferRow | undefined
  existing?: TransferRow | undefined
}

interface Seen {
  url: string
  name: string | null
  /** An unfinished download of the URL, resumed instead of adding one. */
  found?: TransferRow
  /** A finished one: nothing to do. */
  finished?: TransferRow
}

/** Saved secrets that cannot be opened here (the app's, in the CLI) are replaced whole by those given now. */
function savedSecrets(store: Store, id: number): TransferSecrets | undefined {
  try {
    return store.secrets.getAll(id)
  } catch {
    return undefined
  }
}

/** The connections-per-download setting the app saved in this state folder, or the shared default. */
function savedSplit(store: Store): number {
  const saved = settingFields.split.safeParse(store.settings.get('split'))
  return saved.success ? saved.data : limits.split.default
}

/**
 * A signature of one file (not `auto`, not a signed sums list) is for one URL; the keys must parse. Whether the
 * signature verifies is known only once the file is in.
 */
function checkSignatureRequest(req: SignatureRequest | undefined, urls: number): void {
  if (!req) return
  splitKeys(req.keys)
  if (req.signature !== undefined && req.signature !== 'auto' && req.sums === undefined && urls > 1) {
    throw new Error('a signature file is for one URL (use auto, or a signed sums file, for several)')
  }
}

/** The priority of a download added without one: the app's setting, which the CLI shares. */
function savedPriority(store: Store): Priority {
  const saved = settingFields.priority.safeParse(store.settings.get('priority'))
  return saved.success ? saved.data : 'normal'
}

/** One URL's own secrets under the request's: cookies from both, any other part the request's where it has one. */
function mergedSecrets(
  own: TransferSecrets | undefined,
  all: TransferSecrets | undefined,
): TransferSecrets | undefined {
  if (!own) return all
  if (!all) return own
  const cookies = [...(own.cookies ?? []), ...(all.cookies ?? [])]
  return { ...own, ...all, ...(cookies.length > 0 ? { cookies } : {}) }
}

function withSecrets(secrets: TransferSecrets | undefined): { secrets?: TransferSecrets } {
  return secrets ? { secrets } : {}
}
