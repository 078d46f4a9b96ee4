import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'
import { asPinpointError, type HttpResponse } from '../transport/http-request.ts'
import type { Transport } from '../transport/transport.ts'
import type { LiveSegment } from './checkpointer.ts'
import { checkContentRange, parseContentRange } from './content-range.ts'
import { httpStatusError } from './first-response.ts'
import { getFollowing } from './follow-redirects.ts'
import type { PartFile } from './part-file.ts'
import { sleep } from './sleep.ts'
import type { TokenBucket } from './token-bucket.ts'

/** The server's copy is not the one our bytes came from (or it stopped honouring ranges): start over. */
export class RestartNeeded extends Error {
  readonly reason: string
  constructor(reason: string) {
    super(reason)
    this.reason = reason
  }
}

export interface SegmentJob {
  transport: Transport
  url: URL
  part: PartFile
  /** Strong ETag or Last-Modified, sent as If-Range so a changed file answers 200 instead of wrong bytes. */
  validator: string | undefined
  total: number | undefined
  signal: AbortSignal
  idleTimeoutMs: number
  limiters: readonly TokenBucket[]
  /** This connection's write batch: reused for every segment it takes. */
  batch: Buffer
  onBytes: (n: number) => void
}

/**
 * Download the rest of one segment into the `.part` file at its offset.
 *
 * `first` is the body of the transfer's first response, which already starts at this segment's offset. Every
 * other response must be a 206 whose Content-Range matches the request exactly (test-matrix A8/A9); a 200
 * never lands at an offset (A7). The loop re-reads `seg.end` on every chunk, because another connection may
 * steal the tail of this segment while it runs; bytes past the end are dropped and the connection closed.
 * Returns true when the body ended before `seg.end` on a download of unknown length (that is its end).
 */
export async function fetchSegment(job: SegmentJob, seg: LiveSegment, first?: HttpResponse): Promise<boolean> {
  seg.received = seg.written
  const from = seg.start + seg.written
  const res = first ?? (await requestRange(job, from, seg.end))
  const host = res.connection.host
  let filled = 0
  let pending: Promise<void> | undefined
  const write = async () => {
    if (filled === 0) return
    await job.part.write(job.batch, filled, seg.start + seg.written)
    seg.written += filled
    filled = 0
  }
  // One write of the batch at a time, whoever asks: this loop when the batch is full, or the checkpointer,
  // which flushes every batch before it syncs so that durable progress keeps up on slow links.
  const flush = () => (pending ??= write().finally(() => (pending = undefined)))
  seg.flush = flush
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      if (pending) await pending
      // `received` counts from the segment's start; `end` is absolute and may shrink while we run.
      const room = seg.end - seg.start - seg.received
      const n = Math.min(chunk.length, room)
      let off = 0
      while (off < n) {
        const k = Math.min(n - off, job.batch.length - filled)
        chunk.copy(job.batch, filled, off, off + k)
        filled += k
        off += k
        seg.received += k
        if (filled === job.batch.length) await flush()
      }
      job.onBytes(n)
      if (seg.received >= seg.end - seg.start) break
      let wait = 0
      for (const l of job.limiters) wait = Math.max(wait, l.take(n))
      if (wait > 0) await sleep(wait, job.signal)
    }
    await flush()
  } catch (err) {
    await pending?.catch(() => {})
    await flush().catch(() => {})
    throw isPinpointError(err) || err instanceof RestartNeeded ? err : asPinpointError(err, host)
  } finally {
    seg.flush = undefined
    await res.close()
  }
  if (seg.received >= seg.end - seg.start) return false
  if (job.total === undefined) return true
  throw new PinpointError('CONNECTION_RESET', `${host}: connection closed at byte ${seg.start + seg.received}`, {
    host,
  })
}

async function requestRange(job: SegmentJob, from: number, end: number): Promise<HttpResponse> {
  const headers: Record<string, string> = { range: `bytes=${from}-${end - 1}` }
  if (job.validator) headers['if-range'] = job.validator
  const { res } = await getFollowing(job.transport, job.url, {
    headers,
    signal: job.signal,
    idleTimeoutMs: job.idleTimeoutMs,
  })
  if (res.status === 206) {
    const got = parseContentRange(res.headers['content-range'] as string | undefined)
    if (got?.total !== undefined && job.total !== undefined && got.total !== job.total) {
      await res.close()
      // Same validator, different size (a growing file): the bytes we hold may not be this file's (A17).
      throw new RestartNeeded('restarted: the file size changed on the server')
    }
    try {
      checkContentRange(
        res.headers['content-range'] as string | undefined,
        { start: from, end: end - 1, total: job.total },
        res.connection.host,
      )
    } catch (err) {
      await res.close()
      throw err
    }
    return res
  }
  await res.close()
  if (res.status === 200) {
    throw new RestartNeeded(
      job.validator ? 'restarted: the file changed on the server' : 'restarted: the server stopped honouring ranges',
    )
  }
  if (res.status === 416) throw new RestartNeeded('restarted: the server no longer has the requested range')
  throw httpStatusError(res)
}
