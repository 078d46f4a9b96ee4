import { limits } from '../../shared/limits.ts'
import { checkDownloadUrl } from '../../shared/links.ts'
import { PinpointError } from '../../shared/pinpoint-error.ts'
import { parseProfile, serializeProfile, type ConnectionProfile } from '../../shared/profile.ts'
import { settingFields } from '../../shared/settings.ts'
import { splitCredentials } from '../../shared/url-credentials.ts'
import { formatChecksum, parseChecksum } from '../engine/checksum.ts'
import { exists } from '../engine/target-path.ts'
import type { Store } from '../store/open-store.ts'
import type { TransferRow } from '../store/transfers-repo.ts'
import { addByCategory } from './add-by-category.ts'
import type { Queue } from './queue.ts'

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
   * How a profile given now meets the one an unfinished download already has: the caller's merge (the CLI's
   * flags over the stored rules); by default the stored one stands.
   */
  mergeProfile?: (
    now: ConnectionProfile | undefined,
    stored: ConnectionProfile | undefined,
  ) => ConnectionProfile | undefined
  /**
   * `dir` is only the default (the user chose no folder): each URL goes to its category's folder where the
   * settings give one (see add-by-category.ts).
   */
  byCategory?: boolean
}

export interface AddResult {
  /** New downloads, in input order. */
  added: TransferRow[]
  /** Unfinished downloads of the same URL into the same folder (and name): the same download, resumed. */
  existing: TransferRow[]
  /** Finished downloads of the same URL whose file is still there: nothing to do. */
  done: TransferRow[]
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
  const result: AddResult = { added: [], existing: [], done: [], rejected: [], rows: [] }
  let checksum: string | undefined
  try {
    checksum = req.checksum === undefined ? undefined : formatChecksum(parseChecksum(req.checksum))
    if (checksum !== undefined && req.urls.length > 1) throw new Error('a checksum is for one URL')
  } catch (err) {
    // It applies to every URL of the request, so each is refused with the reason.
    const reason = `bad checksum: ${(err as Error).message.replace(/^--checksum /, '')}`
    return { ...result, rejected: req.urls.map((input) => ({ input, reason })) }
  }
  const urls: string[] = []
  for (const input of req.urls) {
    const checked = checkDownloadUrl(input)
    if (checked.ok) urls.push(checked.url)
    else result.rejected.push({ input, reason: checked.reason })
  }
  // What is already there is looked up first: a finished file is checked on disk, which is not for a transaction.
  const name = req.name ?? null
  const seen = await Promise.all(
    urls.map(async (url) => {
      const found = store.transfers.findResumable(url, req.dir, name)
      if (found) return { url, found }
      const finished = store.transfers.findCompleted(url, req.dir, name)
      if (finished?.savedPath && (await exists(finished.savedPath))) return { url, finished }
      return { url }
    }),
  )
  const merge = req.mergeProfile ?? ((_now, stored) => stored)
  const connection = serializeProfile(req.profile)
  store.transaction(() => {
    for (const s of seen) {
      if (s.finished) {
        result.done.push(s.finished)
        result.rows.push(s.finished)
      } else if (s.found) {
        // Credentials given again replace the saved ones: a wrong or changed password is put right by re-adding.
        const { credentials } = splitCredentials(s.url)
        if (credentials) store.secrets.put(s.found.id, credentials)
        const next = serializeProfile(merge(req.profile, parseProfile(s.found.connection)))
        const row = next === s.found.connection ? s.found : store.transfers.update(s.found.id, { connection: next })
        result.existing.push(row)
        result.rows.push(row)
      } else {
        const row = queue.add({
          url: s.url,
          dir: req.dir,
          split,
          ...(req.name === undefined ? {} : { name: req.name }),
          ...(checksum === undefined ? {} : { checksum }),
          ...(req.limitRate === undefined ? {} : { limitRate: req.limitRate }),
          connection,
          paused: req.paused === true,
        })
        result.added.push(row)
        result.rows.push(row)
      }
    }
  })
  return result
}

/** The connections-per-download setting the app saved in this state folder, or the shared default. */
function savedSplit(store: Store): number {
  const saved = settingFields.split.safeParse(store.settings.get('split'))
  return saved.success ? saved.data : limits.split.default
}
