import { stat } from 'node:fs/promises'

import type { DuplicateChoice, Handlers, Rejected, RequestChannel } from '../../shared/ipc.ts'
import { checkDownloadUrl } from '../../shared/links.ts'
import { splitCredentials } from '../../shared/url-credentials.ts'
import { credentialState, withCredentialInput, type TransferSecrets } from '../../shared/transfer-secrets.ts'
import { addDownloads } from '../queue/add-downloads.ts'
import { latestByUrl } from '../queue/existing-transfers.ts'
import { freeNames } from '../queue/free-name.ts'
import { shownName } from '../queue/shown-name.ts'
import type { Queue } from '../queue/queue.ts'
import type { Store } from '../store/open-store.ts'
import type { TransferRow } from '../store/transfer-row.ts'
import type { Desktop } from './desktop.ts'
import type { FolderTokens } from './folder-tokens.ts'
import { createPreviewer, type Previewer } from './previewer.ts'
import { coreTransports, type TransportMaker } from '../engine/core-transport.ts'
import type { SettingsService } from './settings-service.ts'
import { redactUrl } from '../../shared/redact-url.ts'
import type { ConnectionProfile } from '../../shared/profile.ts'
import { typedSecrets } from './typed-secrets.ts'
import { offerCookies } from './offer-links.ts'
import type { KeptOffer, OfferStore } from './offer-store.ts'

export type TransferHandlers = Pick<Handlers, Extract<RequestChannel, `transfers:${string}`>>

export interface TransferDeps {
  queue: Queue
  store: Store
  settings: SettingsService
  folders: FolderTokens
  desktop: Desktop
  /** `transfers:preview`'s requests; by default over the saved host rules, as downloads connect. */
  preview?: Previewer
  /** The core's transports, as downloads connect (host rules, settings, system proxy); the store's without it. */
  transports?: TransportMaker
  /** Offers' referrers and cookies kept in main, named by `transfers:add`'s `offer`. */
  offers?: OfferStore | undefined
}

/** Events shown in a transfer's details, newest last. */
const DETAIL_EVENTS = 200

/**
 * The transfer commands. Ids are all the renderer names: paths come from the store (files) or from folder
 * tokens (where to save), never from the page.
 */
export function transferHandlers(deps: TransferDeps): TransferHandlers {
  const { queue, store } = deps
  const preview = deps.preview ?? createPreviewer({ transports: deps.transports ?? coreTransports(store) })
  const folderOf = (channel: RequestChannel, folder: string | undefined): string => {
    const dir = folder === undefined ? deps.settings.get().downloadDir : deps.folders.resolve(folder)
    if (dir === undefined) throw new Error(`${channel}: folder: not a known folder token; choose the folder again`)
    return dir
  }
  return {
    'transfers:list': async () => queue.snapshot(),

    async 'transfers:add'({ urls, folder, options, offer }) {
      const dir = folderOf('transfers:add', folder)
      const kept = offer === undefined ? undefined : deps.offers?.get(offer)
      const result = await addDownloads(
        { store, queue },
        {
          urls,
          dir,
          ...(options.split === undefined ? {} : { split: options.split }),
          ...(options.checksum === undefined ? {} : { checksum: options.checksum }),
          ...(options.limitRate === undefined ? {} : { limitRate: options.limitRate }),
          paused: options.startPaused === true,
          ...(options.duplicate === undefined ? {} : { duplicate: options.duplicate }),
          ...(options.each === undefined ? {} : { each: perUrl(options.each) }),
          ...(options.nodesSpread === undefined ? {} : { profile: { rules: [], nodesSpread: options.nodesSpread } }),
          byCategory: folder === undefined,
          ...(options.signature === undefined ? {} : { signature: options.signature }),
          ...(options.priority === undefined ? {} : { priority: options.priority }),
          ...withTyped(typedSecrets(options)),
          ...(kept ? fromOffer(kept, options.nodesSpread) : {}),
        },
      )
      const rejected: Rejected[] = [
        ...result.rejected,
        ...result.done.map((row) => ({ input: row.url, reason: `already downloaded: ${row.savedPath}` })),
      ]
      const rows = [...result.added, ...result.existing]
      if (!options.startPaused && rows.length > 0) queue.resume(rows.map((r) => r.id))
      // Read back: starting may already have moved a transfer on from `queued`.
      const added = rows.map((r) => queue.view(store.transfers.get(r.id) ?? r))
      const skipped = result.skipped.map((row) => ({
        input: row.url,
        reason: `already in the list (${row.state}) as ${shownName(row) ?? redactUrl(row.url)} in ${row.dir}`,
      }))
      return { added, rejected, ...(options.duplicate === undefined && options.each === undefined ? {} : { skipped }) }
    },

    async 'transfers:preview'({ urls, folder }) {
      const dir = folderOf('transfers:preview', folder)
      const learned = await preview(urls)
      // Read after the network, so what is in the list is as of the answer.
      const latest = latestByUrl(store)
      const free = freeNames(store, dir)
      const items = []
      for (const l of learned) {
        const row = latest.get(splitCredentials(l.url).url)
        const existing = row ? { id: row.id, state: row.state, name: shownName(row), dir: row.dir } : null
        const againName = row ? await free(row.name ?? l.name) : l.name
        items.push({ ...l, existing, againName })
      }
      return items
    },

    async 'transfers:pause'({ ids }) {
      queue.pause(ids)
      return null
    },
    async 'transfers:resume'({ ids }) {
      queue.resume(ids)
      return null
    },
    async 'transfers:retry'({ ids }) {
      queue.retry(ids)
      return null
    },
    async 'transfers:startAnyway'({ ids }) {
      queue.startAnyway(ids)
      return null
    },
    async 'transfers:cancel'({ ids }) {
      await queue.cancel(ids)
      return null
    },
    async 'transfers:reorder'({ ids }) {
      queue.reorder(ids)
      return null
    },
    async 'transfers:remove'({ ids, deleteFile }) {
      await queue.remove(ids, deleteFile)
      return null
    },

    async 'transfers:reveal'({ id }) {
      const row = store.transfers.get(id)
      if (!row) return { ok: false, reason: 'no such transfer' }
      const file = finishedFile(row)
      if (file && (await kind(file)) === 'file') {
        deps.desktop.reveal(file)
        return { ok: true }
      }
      if ((await kind(row.dir)) !== 'dir') return { ok: false, reason: `the folder ${row.dir} no longer exists` }
      const error = await deps.desktop.open(row.dir)
      return error === '' ? { ok: true } : { ok: false, reason: error }
    },

    async 'transfers:open'({ id }) {
      const row = store.transfers.get(id)
      if (!row) return { ok: false, reason: 'no such transfer' }
      const file = finishedFile(row)
      if (!file) return { ok: false, reason: 'only a completed download can be opened' }
      if ((await kind(file)) !== 'file') return { ok: false, reason: `${file} was moved or deleted` }
      const error = await deps.desktop.open(file)
      return error === '' ? { ok: true } : { ok: false, reason: error }
    },

    async 'transfers:details'({ id }) {
      const row = store.transfers.get(id)
      // Gone already (removed from another view): nothing to show is an answer, not an error.
      if (!row) return { segments: [], events: [], connections: [] }
      return {
        segments: store.segments.list(id).map(({ start, end, done }) => ({ start, end, done })),
        events: store.events.list(id, DETAIL_EVENTS).map(({ at, kind, message }) => ({ at, kind, message })),
        // Its own history, from the store: after a restart too, and never another transfer's of the same URL.
        connections: store.connections.list(id).map((c) => c.info),
      }
    },

    async 'transfers:setPriority'({ ids, priority }) {
      queue.setPriority(ids, priority)
      return null
    },
    async 'transfers:credentials'({ id }) {
      // Gone already (removed from another view): none is an answer, as with its details.
      if (!store.transfers.get(id)) return null
      return credentialState(openedSecrets(store, id)) ?? null
    },

    async 'transfers:setCredentials'({ id, credentials }) {
      const row = store.transfers.get(id)
      if (!row) throw new Error(`transfers:setCredentials: no transfer ${id}`)
      const next = withCredentialInput(openedSecrets(store, id), credentials)
      store.secrets.putAll(id, next)
      store.events.add(id, 'user', `credentials ${credentials.kind === 'clear' ? 'cleared' : 'replaced'}`)
      if (row.state === 'paused' && row.errorCode === 'AUTH_REQUIRED' && credentials.kind !== 'clear') {
        queue.resume([id])
      }
      return credentialState(next) ?? null
    },

    'transfers:refreshUrl': ({ id, url, from }) => queue.refreshUrl(id, url, from),
  }
}

/** Secrets this process cannot open (sealed by the desktop app's OS key, seen from serve) count as none. */
function openedSecrets(store: Store, id: number): TransferSecrets | undefined {
  try {
    return store.secrets.getAll(id)
  } catch {
    return undefined
  }
}

/** The per-URL options, keyed as add-downloads compares URLs (normalized); a bad URL is refused there anyway. */
function perUrl(
  each: ReadonlyArray<{ url: string; duplicate?: DuplicateChoice | undefined; name?: string | undefined }>,
): Map<string, { duplicate?: DuplicateChoice | undefined; name?: string | undefined }> {
  const map = new Map<string, { duplicate?: DuplicateChoice | undefined; name?: string | undefined }>()
  for (const { url, ...choice } of each) {
    const checked = checkDownloadUrl(url)
    if (checked.ok) map.set(checked.url, choice)
  }
  return map
}

function finishedFile(row: TransferRow): string | undefined {
  return row.state === 'completed' && row.savedPath !== null ? row.savedPath : undefined
}

async function kind(path: string): Promise<'file' | 'dir' | undefined> {
  const st = await stat(path).catch(() => undefined)
  return st?.isFile() ? 'file' : st?.isDirectory() ? 'dir' : undefined
}

/** The add request's `secrets`, present only when something was typed. */
function withTyped(secrets: TransferSecrets | undefined): { secrets?: TransferSecrets } {
  return secrets ? { secrets } : {}
}

/** A confirmed offer's referrer (in the downloads' profile) and each URL's own cookies (sealed). */
function fromOffer(
  kept: KeptOffer,
  nodesSpread: number | undefined,
): { profile?: ConnectionProfile; secretsFor: (url: string) => TransferSecrets | undefined } {
  const secretsFor = (url: string) => (URL.canParse(url) ? offerCookies(kept, url) : undefined)
  if (kept.referrer === undefined) return { secretsFor }
  const headers = [{ name: 'referer', value: kept.referrer }]
  return { profile: { rules: [], headers, ...(nodesSpread === undefined ? {} : { nodesSpread }) }, secretsFor }
}
