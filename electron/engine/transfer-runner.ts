import { dirname } from 'node:path'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import { parseProfile } from '../../shared/profile.ts'
import type { RetryInfo } from '../../shared/transfer.ts'
import type { Store } from '../store/open-store.ts'
import type { TransferRow } from '../store/transfer-row.ts'
import type { HttpResponse } from '../transport/http-request.ts'
import { profiledTransport } from '../transport/profiled-transport.ts'
import type { Transport } from '../transport/transport.ts'
import { checkpoint, type LiveSegment } from './checkpointer.ts'
import { finalizePart } from './finalize.ts'
import { factsOf } from './first-response.ts'
import { reportRetry, retrying } from './retrying.ts'
import { getFollowing } from './follow-redirects.ts'
import { hostRuleSecrets, requestExtras, type RequestExtras } from './request-extras.ts'
import { claimTarget, writesOnce } from './claim-target.ts'
import { PartFile } from './part-file.ts'
import { runWorkers } from './segment-workers.ts'
import { MIN_SEGMENT, planPieces, planSegments, type Segment } from './segment-plan.ts'
import { RestartNeeded } from './segment-fetch.ts'
import { checkFreeSpace, partPathOf } from './target-path.ts'
import type { TokenBucket } from './token-bucket.ts'
import type { BackgroundRate } from './background-rate.ts'
import { Representation } from './validators.ts'
import { defaultRetry, type RetryPolicy } from './retry-policy.ts'
import { lastNode, spreadNodes, type NodeRanking } from './node-spread.ts'
import { PrefixDigests } from './prefix-digests.ts'
import { streamableDigests, VerificationFailed, verifyContent } from './verify-content.ts'

export interface EngineEnv {
  store: Store
  transport: Transport
  /** The global rate limit, shared by every transfer. */
  limiter?: TokenBucket
  retry?: RetryPolicy
  idleTimeoutMs?: number
  minSegment?: number
  checkpointMs?: number
  onBytes?: (id: number, n: number) => void
  /** A failed attempt will be tried again; the queue shows it until bytes arrive or the transfer ends. */
  onRetry?: (id: number, retry: RetryInfo) => void
  onChange?: (row: TransferRow) => void
  /** Runs after the final fsync and before the rename; the kill -9 tests hold a transfer here. */
  beforeFinalize?: (row: TransferRow) => Promise<void>
  /**
   * Throws (OUTSIDE_ROOTS) when files may not be written in `dir` any more. Awaited right before every open of
   * a `.part` and every finalize, so a folder swapped for a symlink after the transfer was added is caught at
   * use; only `pinpoint serve`, which has roots, supplies it. A swap in the few system calls between the check
   * and the operation still goes unnoticed.
   */
  confine?: (dir: string) => Promise<void>
  /** The hosts' measured nodes: spreading a transfer over them, and measuring them again when stale. */
  nodes?: NodeRanking
  /** The rate background transfers share (see background-rate.ts); without it they run as normal ones. */
  background?: BackgroundRate
}

const MAX_RESTARTS = 3
/** Unknown length: one open-ended segment until the body ends. */
const OPEN_END = Number.MAX_SAFE_INTEGER

/**
 * Take one transfer from wherever it stands to `completed`, or throw the PinpointError that stopped it.
 *
 * Abort via `signal` to pause or stop: durable progress is committed before this returns, and the caller
 * picks the resulting state. The file only gets its final name after its size (and checksum and signature,
 * when given) checked out and it was fsynced.
 */
export async function runTransfer(env: EngineEnv, id: number, signal: AbortSignal): Promise<TransferRow> {
  for (let restarts = 0; ; restarts++) {
    try {
      return await attempt(env, id, signal)
    } catch (err) {
      if (!(err instanceof RestartNeeded)) throw err
      if (restarts >= MAX_RESTARTS) {
        throw new PinpointError('RANGE_INVALID', `gave up after ${MAX_RESTARTS} restarts: ${err.reason}`)
      }
      const row = must(env, id)
      env.store.events.add(id, 'restart', err.reason)
      env.store.segments.replace(id, [])
      update(env, id, {
        total: null,
        rangeSupported: false,
        etag: null,
        lastModified: null,
        restarts: row.restarts + 1,
      })
    }
  }
}

async function attempt(outer: EngineEnv, id: number, signal: AbortSignal): Promise<TransferRow> {
  let row = update(outer, id, { state: 'connecting', errorCode: null, errorMessage: null })
  // Before any request, and right before the resume's reopen of the `.part` below.
  await outer.confine?.(row.dir)
  // Every request of this download, wherever it runs (the CLI, the app, serve), goes under its own rules.
  // A resume goes back to the node it used last (the node it holds bytes from), failing over if it is gone.
  const profile = parseProfile(row.connection)
  const env = {
    ...outer,
    transport: profiledTransport(outer.transport, profile, lastNode(outer.store, row)),
  }
  const url = new URL(row.url)
  outer.nodes?.transferStarts?.(url, profile)
  // Credentials, secret headers and cookies are kept sealed apart from the URL; they go on the requests to the
  // URL's origin only, wherever the download resumes from (its final URL may be elsewhere).
  const extras = requestExtras(url.origin, profile, env.store.secrets.getAll(id), (u) => hostRuleSecrets(env.store, u))
  let part: PartFile | undefined
  let first: HttpResponse | undefined
  // A transfer that never claimed a name has no segments: its plan is written with its name, in one commit.
  const listed: Segment[] = row.targetPath === null ? [] : env.store.segments.list(id)
  let segments = listed
  // The file as the first response describes it; on a resume, as the store does.
  let representation: Representation | undefined
  try {
    const validator = row.etag ?? row.lastModified ?? undefined
    const resumable = row.targetPath && row.total !== null && row.rangeSupported && validator && segments.length > 0
    if (resumable && row.targetPath) {
      part = await PartFile.reopen(partPathOf(row.targetPath))
      if (!part) env.store.events.add(id, 'restart', 'restarted: the .part file was missing')
    } else if (segments.some((s) => s.done > 0)) {
      const why = row.rangeSupported
        ? 'no strong validator, so earlier bytes cannot be trusted'
        : 'the server does not honour ranges'
      env.store.events.add(id, 'restart', `restarted: ${why}`)
    }

    if (!part) {
      const opened = await retrying(env.retry ?? defaultRetry, signal, { onRetry: reportRetry(env, id) }, () =>
        openFirst(env, url, signal, extras),
      )
      first = opened.res
      const facts = opened.facts
      // A strong validator learned later is kept, so that a resume can rely on it.
      representation = Representation.fromResponse(facts.sent, (strong) => update(env, id, strong))
      const name = row.name ?? facts.name
      const learned = {
        name,
        finalUrl: opened.finalUrl === row.url ? null : opened.finalUrl,
        total: facts.total ?? null,
        rangeSupported: facts.rangeSupported,
        etag: facts.etag ?? null,
        lastModified: facts.lastModified ?? null,
      }
      if (facts.total !== undefined) {
        // A transfer paused for disk space keeps its size, so the queue knows how much room to wait for.
        await checkFreeSpace(row.dir, facts.total).catch((err: unknown) => {
          update(env, id, learned)
          throw err
        })
      }
      // A background transfer runs one connection (see segment-workers.ts), so one segment: the first response's
      // body then carries the whole file, with no second request or connection. A file to verify is fetched in
      // ordered pieces, so that its digests keep up with it.
      const connections = row.priority === 'background' ? 1 : row.split
      const plan = streamableDigests(row).length > 0 ? planPieces : planSegments
      segments =
        facts.rangeSupported && facts.total !== undefined
          ? plan(facts.total, connections, env.minSegment ?? MIN_SEGMENT)
          : [{ start: 0, end: facts.total ?? OPEN_END, done: 0 }]
      // What the first response told us, the file's name and the segment plan are one commit, not four: with a
      // list of small files the store's commits are a good part of each file's cost.
      const planned = segments
      const fresh = listed.length === 0
      const partOptions = { writeThrough: writesOnce(row, segments) }
      const claimed = row.targetPath
      const record = (targetPath: string) =>
        env.store.transaction(() => {
          env.store.segments.replace(id, planned, fresh)
          return env.store.transfers.update(id, { ...learned, targetPath, state: 'downloading' })
        })
      if (claimed === null) {
        ;({ row, part } = await claimTarget(env, row.dir, name, record, partOptions))
      } else {
        // Our own name from an earlier attempt: its `.part` (if any) is ours, and nothing in it is durable.
        row = record(claimed)
        const partPath = partPathOf(claimed)
        await env.confine?.(dirname(partPath))
        part = (await PartFile.reopen(partPath, partOptions)) ?? (await PartFile.create(partPath, partOptions))
        await part.truncate(0)
      }
      env.onChange?.(row)
    } else {
      row = update(env, id, { state: 'downloading' })
    }
    // What verification needs is hashed as the file is written (and from what a resume already holds), not read
    // back after its last byte.
    const hashed = streamableDigests(row)
    if (hashed.length > 0) part.digests = new PrefixDigests(hashed, part.path, segments)

    const live: LiveSegment[] = segments.map((s) => ({ ...s, written: s.done, received: s.done, busy: false }))
    const commit = (updates: Array<{ start: number; done: number }>) => env.store.segments.commitProgress(id, updates)
    const segmentUrl = row.finalUrl ? new URL(row.finalUrl) : url
    await runWorkers({
      env,
      row,
      url: segmentUrl,
      extras,
      part,
      live,
      first,
      signal,
      representation: representation ?? Representation.fromStore(row),
      nodes: profile?.nodesSpread ? spreadNodes(env.transport, env.nodes, segmentUrl, profile.nodesSpread) : [],
      checkpoint: () => checkpoint(part as PartFile, live, commit),
      split: (seg, at) => env.store.segments.split(id, seg.start, at),
    })
    first = undefined
    return await finish(env, row, part, live, commit, signal)
  } finally {
    await first?.close()
    await part?.close()
  }
}

async function finish(
  env: EngineEnv,
  row: TransferRow,
  part: PartFile,
  live: LiveSegment[],
  commit: (updates: Array<{ start: number; done: number }>) => void,
  signal: AbortSignal,
): Promise<TransferRow> {
  const id = row.id
  const got = live.reduce((n, s) => n + s.written, 0)
  if (row.total === null) {
    // A close-delimited body of unknown length: its end is where it stopped (a truncation is undetectable
    // without a checksum, as no length says where it should have stopped), so the one segment is closed there.
    const seg = live[0] as LiveSegment
    seg.end = seg.start + seg.written
    env.store.segments.replace(id, [{ start: seg.start, end: seg.end, done: 0 }])
    row = update(env, id, { total: got })
  }
  if (got !== row.total || live.some((s) => s.written !== s.end - s.start)) {
    throw new PinpointError('SIZE_MISMATCH', `got ${got} bytes of ${row.total}`)
  }
  await part.sync()
  const durable = live.map((s) => ({ start: s.start, done: s.written }))
  // The name the file will most likely get is recorded with "finalizing", saving a write for each file;
  // finalizePart records another only if that one is taken (see its crash-safety note).
  const finalizing = { state: 'finalizing', savedPath: row.targetPath } as const
  const verifies = row.checksum !== null || row.signature !== null
  commit(durable)
  // Without a checksum or signature to verify, "finalizing" follows at once. It needs no transaction with the
  // progress: both go in the store's same group commit, and progress that is durable may stand on its own. So it
  // may wait there to be written with "completed" (see staged-updates.ts).
  if (!verifies) row = update(env, id, finalizing)
  live.forEach((s) => (s.done = s.written))

  if (verifies) {
    // An outcome from an earlier try (a retry after a failed check) is not shown while this one runs.
    row = update(env, id, { state: 'verifying', ...(row.signatureResult === null ? {} : { signatureResult: null }) })
    await env.confine?.(dirname(part.path))
    // After the final fsync and before the name: what is verified is exactly what will be kept. A failure leaves
    // the `.part` for inspection and keeps the outcome for the row and its details.
    const known = await part.digests?.result(got, signal)
    const checked = await verifyContent(
      {
        transport: env.transport,
        hostRules: () => env.store.hostRules.list(),
        idleTimeoutMs: env.idleTimeoutMs ?? 30_000,
      },
      row,
      part.path,
      signal,
      known,
    ).catch((err: unknown) => {
      if (err instanceof VerificationFailed && row.signature !== null) {
        env.store.transfers.update(id, { signatureResult: JSON.stringify(err.result) })
      }
      throw err
    })
    if (checked) env.store.transfers.update(id, { signatureResult: JSON.stringify(checked) })
    row = update(env, id, finalizing)
  }
  await env.beforeFinalize?.(row)
  await part.close()
  await env.confine?.(dirname(row.targetPath as string))
  const saved = await finalizePart(part.path, row.targetPath as string, (candidate) => {
    if (candidate !== row.savedPath) env.store.transfers.update(id, { savedPath: candidate })
  })
  // The update is the one write here that can fail, so it goes first; the event cannot fail, and waits for the
  // commit the completion goes in (both land in it or neither): no savepoint for every file of a long list.
  const done = update(env, id, { state: 'completed', savedPath: saved, completedAt: Date.now() })
  env.store.events.addOnCommit(id, 'completed', `saved as ${saved}`)
  return done
}

export function update(env: EngineEnv, id: number, patch: Partial<Omit<TransferRow, 'id' | 'createdAt'>>): TransferRow {
  const row = env.store.transfers.update(id, patch)
  if (patch.state !== undefined) env.onChange?.(row)
  return row
}

/** The first response, followed through redirects; a non-2xx or malformed answer is thrown (and retried). */
async function openFirst(env: EngineEnv, url: URL, signal: AbortSignal, extras: RequestExtras | undefined) {
  const followed = await getFollowing(env.transport, url, {
    headers: { range: 'bytes=0-' },
    ...(extras ? { extras } : {}),
    signal,
    idleTimeoutMs: env.idleTimeoutMs ?? 30_000,
  })
  try {
    return { res: followed.res, facts: factsOf(followed.res, url), finalUrl: followed.finalUrl.href }
  } catch (err) {
    await followed.res.close()
    throw err
  }
}

function must(env: EngineEnv, id: number): TransferRow {
  const row = env.store.transfers.get(id)
  if (!row) throw new PinpointError('BAD_INPUT', `no transfer ${id}`)
  return row
}
