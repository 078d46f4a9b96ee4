import type { TransferRow } from '../store/transfer-row.ts'
import type { HttpResponse } from '../transport/http-request.ts'
import type { LiveSegment } from './checkpointer.ts'
import type { PartFile } from './part-file.ts'
import { defaultRetry } from './retry-policy.ts'
import { reportRetry, retrying } from './retrying.ts'
import { fetchSegment, type SegmentJob } from './segment-fetch.ts'
import { BATCH_BYTES, releaseBatches, takeBatch } from './write-batches.ts'
import { MIN_SEGMENT } from './segment-plan.ts'
import { TokenBucket } from './token-bucket.ts'
import { profiledTransport } from '../transport/profiled-transport.ts'
import type { EngineEnv } from './transfer-runner.ts'
import type { Representation } from './validators.ts'
import type { RequestExtras } from './request-extras.ts'

export interface WorkerPlan {
  env: EngineEnv
  row: TransferRow
  url: URL
  part: PartFile
  live: LiveSegment[]
  /** The first response's body, which already covers segment 0 from its start. */
  first: HttpResponse | undefined
  signal: AbortSignal
  representation: Representation
  checkpoint: () => Promise<void>
  split: (seg: LiveSegment, at: number) => void
  /** Nodes to spread the connections over, one after another (none: the transport picks, as always). */
  nodes?: readonly string[]
  extras?: RequestExtras | undefined
}

/**
 * Run up to `row.split` connections over the segments until every byte is in, checkpointing as they go.
 *
 * A connection that runs out of segments steals the second half of the largest remaining one, so
 * a slow connection near the end does not hold the whole transfer. Each connection retries its own
 * segment with backoff; a permanent failure stops all of them. Whatever happens, the last checkpoint runs
 * before this returns or throws, so progress in the store is never behind what is durable for long and never
 * ahead of it at all.
 */
export async function runWorkers(p: WorkerPlan): Promise<void> {
  // Aborted by the caller's signal or by the first failure. Linked by hand: `AbortSignal.any` costs several
  // times as much, once per file in a list of small ones, and keeps weak references for the collector to sweep.
  const inner = new AbortController()
  const signal = inner.signal
  const follow = () => inner.abort(p.signal.reason)
  if (p.signal.aborted) follow()
  else p.signal.addEventListener('abort', follow, { once: true })
  const minSegment = p.env.minSegment ?? MIN_SEGMENT
  const perTransfer = p.row.limitRate ? new TokenBucket(p.row.limitRate) : undefined
  const limiters = [p.env.limiter, perTransfer].filter((l): l is TokenBucket => l !== undefined)
  // Background transfers also share the controller's bucket, for as long as their connections run: by their range
  // requests where the server honours ranges of a known size, otherwise by their reads.
  const background = p.row.priority === 'background' ? p.env.background : undefined
  const paced = background && p.row.rangeSupported && p.row.total !== null ? background : undefined
  if (background && !paced) limiters.push(background.bucket)
  const leave = background?.join(p.row.id, p.row.limitRate)
  let first = p.first
  let failure: unknown

  let chain = Promise.resolve()
  const checkpointNow = () => (chain = chain.then(p.checkpoint))
  const timer = setInterval(() => void checkpointNow().catch(fail), p.env.checkpointMs ?? 500)

  function fail(err: unknown) {
    failure ??= err
    inner.abort(err)
  }

  const take = (): LiveSegment | undefined => {
    const idle = p.live.find((s) => !s.busy && s.written < s.end - s.start)
    if (idle || !p.row.rangeSupported) return idle
    let best: LiveSegment | undefined
    for (const s of p.live) {
      if (s.busy && (!best || s.end - s.start - s.received > best.end - best.start - best.received)) best = s
    }
    if (!best) return undefined
    const left = best.end - best.start - best.received
    if (left < 2 * minSegment) return undefined
    const at = best.start + best.received + Math.floor(left / 2)
    const stolen: LiveSegment = { start: at, end: best.end, done: 0, written: 0, received: 0, busy: false }
    p.split(best, at)
    best.end = at
    p.live.push(stolen)
    return stolen
  }

  const worker = async (index: number) => {
    const node = p.nodes?.length ? p.nodes[index % p.nodes.length] : undefined
    const job: SegmentJob = {
      transport: node === undefined ? p.env.transport : profiledTransport(p.env.transport, undefined, node),
      url: p.url,
      part: p.part,
      representation: p.representation,
      total: p.row.total ?? undefined,
      signal,
      idleTimeoutMs: p.env.idleTimeoutMs ?? 30_000,
      limiters,
      batch: takeBatch(BATCH_BYTES),
      onBytes: (n) => p.env.onBytes?.(p.row.id, n),
      extras: p.extras,
      pacer: paced,
    }
    try {
      for (let seg = take(); seg && !signal.aborted; seg = take()) {
        seg.busy = true
        try {
          await fetchWithRetries(job, seg)
        } finally {
          seg.busy = false
        }
        // A finished segment is made durable at once, unless nothing is left: then finishing fsyncs anyway.
        if (p.live.some((s) => s.written < s.end - s.start)) await checkpointNow()
      }
    } finally {
      // fetchSegment has flushed (and so awaited) every write of these batches before it returned or threw.
      releaseBatches(job)
    }
  }

  const fetchWithRetries = async (job: SegmentJob, seg: LiveSegment) => {
    let before = seg.written
    await retrying(
      p.env.retry ?? defaultRetry,
      signal,
      {
        onRetry: reportRetry(p.env, p.row.id),
        madeProgress: () => {
          const moved = seg.written > before
          before = seg.written
          return moved
        },
        // Without range support a retry would have to start from zero: that is a restart, not a retry.
        mayRetry: () => p.row.rangeSupported || seg.written === 0,
      },
      async () => {
        const body = first
        first = undefined
        if (await fetchSegment(job, seg, body)) seg.end = seg.start + seg.written
      },
    )
  }

  // A background transfer uses one connection: each one's receive window is a burst the shared rate cannot pace,
  // and the link's queue is what background transfers must leave empty.
  const count = p.row.rangeSupported && !background ? Math.max(1, p.row.split) : 1
  try {
    await Promise.all(Array.from({ length: count }, (_, i) => worker(i).catch(fail)))
  } finally {
    p.signal.removeEventListener('abort', follow)
    leave?.()
    clearInterval(timer)
    await first?.close()
    // On success the caller's final fsync and commit cover everything; otherwise save what is durable now.
    if (failure !== undefined || p.signal.aborted) {
      await checkpointNow().catch((err: unknown) => {
        failure ??= err
      })
    } else {
      await chain.catch((err: unknown) => {
        failure ??= err
      })
    }
  }
  p.signal.throwIfAborted()
  if (failure !== undefined) throw failure
}
