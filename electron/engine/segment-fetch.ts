import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'
import { asPinpointError, type HttpResponse, type ResponseBody } from '../transport/http-request.ts'
import type { Transport } from '../transport/transport.ts'
import type { LiveSegment } from './checkpointer.ts'
import { checkContentRange, parseContentRange } from './content-range.ts'
import { httpStatusError, validatorsOf } from './first-response.ts'
import { getFollowing } from './follow-redirects.ts'
import type { RequestExtras } from './request-extras.ts'
import type { PartFile } from './part-file.ts'
import { sleep } from './sleep.ts'
import type { TokenBucket } from './token-bucket.ts'
import type { Representation } from './validators.ts'
import { Batches } from './write-batches.ts'

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
  /**
   * The file this download fetches. Its strong validator, once known, goes in If-Range, so a changed file
   * answers 200 instead of wrong bytes; every 206 is also checked against its tag, weak or not.
   */
  representation: Representation
  total: number | undefined
  signal: AbortSignal
  idleTimeoutMs: number
  limiters: readonly TokenBucket[]
  /** This connection's write batch: reused for every segment it takes. */
  batch: Buffer
  onBytes: (n: number) => void
  /** The download's own headers, credentials and cookies. */
  extras?: RequestExtras | undefined
  /** A background transfer of known size on a server that honours ranges: its requests are paced, not its reads. */
  pacer?: RequestPacer | undefined
}

/** Paces a transfer by its requests: how much the next one asks for, and how long to wait before asking. */
export interface RequestPacer {
  chunkBytes(): number
  /** Spend `n` bytes of the rate; returns the ms to wait first (0: at once). */
  take(n: number): number
}

/**
 * Download the rest of one segment into the `.part` file at its offset.
 *
 * `first` is the body of the transfer's first response, which already starts at this segment's offset. Every
 * other response must be a 206 whose Content-Range matches the request exactly (a wrong start or total, a missing
 * one or a multipart answer is refused); a 200 is the whole file from byte 0, so it never lands at an offset.
 * Every chunk re-reads `seg.end`, because another connection may steal the tail of this segment while it runs;
 * bytes past the end are dropped and the connection closed.
 * Returns true when the body ended before `seg.end` on a download of unknown length (that is its end).
 */
export async function fetchSegment(job: SegmentJob, seg: LiveSegment, first?: HttpResponse): Promise<boolean> {
  if (job.pacer && job.total !== undefined) return fetchPaced(job, job.pacer, seg, first)
  seg.received = seg.written
  const from = seg.start + seg.written
  const res = first ?? (await requestRange(job, from, seg.end))
  const host = res.connection.host
  try {
    await intoBatches(
      job,
      seg,
      () => host,
      (out) => pump(job, seg, res.body, out),
    )
  } finally {
    await res.close()
  }
  if (seg.received >= seg.end - seg.start) return false
  if (job.total === undefined) return true
  throw new PinpointError('CONNECTION_RESET', `${host}: connection closed at byte ${seg.start + seg.received}`, {
    host,
  })
}

/**
 * The segment as a run of small range requests on one kept-alive connection, each sent only when the shared rate
 * allows. The server sends each answer at once, so the link carries bursts no larger than one request, evenly
 * spaced. Pacing the reads instead cannot do that: once a socket's receive buffer is full, the kernel reopens the
 * TCP window only when tens of kB are free (about 18 kB on a 4 Mbit/s test link, whatever the read size), and
 * the sender sends that much at once into the link's queue. The first response (the whole file) is read for one
 * piece and then closed.
 */
async function fetchPaced(job: SegmentJob, pacer: RequestPacer, seg: LiveSegment, first?: HttpResponse) {
  seg.received = seg.written
  let res = first
  let host = first?.connection.host ?? job.url.hostname
  try {
    await intoBatches(
      job,
      seg,
      () => host,
      async (out) => {
        while (seg.received < seg.end - seg.start) {
          const want = Math.max(1, Math.min(Math.floor(pacer.chunkBytes()), seg.end - seg.start - seg.received))
          const wait = pacer.take(want)
          if (wait > 0) await sleep(wait, job.signal)
          const from = seg.start + seg.received
          const cap = seg.received + want
          // Only the first response needs the cap: a range answer ends by itself there, and a body read to its end
          // leaves the connection to be kept alive for the next piece.
          const capped = res !== undefined
          res ??= await requestRange(job, from, from + want)
          host = res.connection.host
          try {
            await pump(job, seg, res.body, out, capped ? cap : Infinity)
          } finally {
            // A piece cut from a longer body leaves the rest unread, so that connection is closed, not reused.
            await res.close()
          }
          res = undefined
          if (seg.received < Math.min(cap, seg.end - seg.start)) {
            throw new PinpointError(
              'CONNECTION_RESET',
              `${host}: connection closed at byte ${seg.start + seg.received}`,
              { host },
            )
          }
        }
      },
    )
  } finally {
    await res?.close()
  }
  return false
}

/**
 * Fill the segment's write batches with `fill`, then flush them. The checkpointer flushes every batch before it
 * syncs (through `seg.flush`), so that durable progress keeps up on slow links. On a failure what arrived before
 * it is kept, and the failure itself is what gets reported, as a PinpointError naming `host()`.
 */
async function intoBatches(
  job: SegmentJob,
  seg: LiveSegment,
  host: () => string,
  fill: (out: Batches) => Promise<void>,
): Promise<void> {
  const out = new Batches(job, seg)
  seg.flush = () => out.flush()
  try {
    await fill(out)
    await out.flush()
  } catch (err) {
    await out.flush().catch(() => {})
    throw isPinpointError(err) || err instanceof RestartNeeded ? err : asPinpointError(err, host())
  } finally {
    seg.flush = undefined
  }
}

/**
 * Move the body into the batches until the segment is complete or the body ends, with no promise per chunk:
 * each piece is counted and copied as the parser hands it over. The flow stops while both batches are full
 * (the rest of the piece is held until a write finishes) and while a rate limit asks to wait, so TCP flow
 * control slows the server down rather than memory filling up.
 */
function pump(job: SegmentJob, seg: LiveSegment, body: ResponseBody, out: Batches, cap = Infinity): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    /** The part of a piece that did not fit yet: `held[heldOff, heldEnd)`, already counted as received. */
    let held: Buffer | undefined
    let heldOff = 0
    let heldEnd = 0
    let ended = false
    let paused = false
    let sleeping: NodeJS.Timeout | undefined
    let settled = false

    const settle = (err?: unknown) => {
      if (settled) return
      settled = true
      out.onWritten = undefined
      if (sleeping) clearTimeout(sleeping)
      job.signal.removeEventListener('abort', onAbort)
      if (err === undefined) resolve()
      else reject(err)
    }
    // `cap`: stop there even if the body goes on (a paced transfer reads its first response for one piece).
    const complete = () => seg.received >= Math.min(seg.end - seg.start, cap)
    // Never from inside `data`: resuming may deliver the next piece synchronously.
    const proceed = () => {
      if (held || sleeping || settled) return
      if (complete() || ended) return settle()
      if (paused) {
        paused = false
        body.resume()
      }
    }

    const data = (chunk: Buffer): boolean => {
      if (settled) return false
      // `received` counts from the segment's start; `end` is absolute and may shrink while we run. Bytes count
      // as received when they arrive, held ones included, so a steal never splits what is already in hand.
      const n = Math.min(chunk.length, Math.min(seg.end - seg.start, cap) - seg.received)
      seg.received += n
      const got = out.copy(chunk, 0, n)
      if (got < n) {
        // Copied: the piece is a view of the socket's read buffer, which the next read overwrites.
        held = Buffer.from(chunk.subarray(got, n))
        heldOff = 0
        heldEnd = n - got
        paused = true
      }
      job.onBytes(n)
      if (complete()) {
        paused = true
        if (!held) settle()
        return false
      }
      let wait = 0
      for (const l of job.limiters) wait = Math.max(wait, l.take(n))
      if (wait > 0) {
        paused = true
        if (job.signal.aborted) {
          settle(job.signal.reason)
          return false
        }
        job.signal.addEventListener('abort', onAbort, { once: true })
        sleeping = setTimeout(() => {
          job.signal.removeEventListener('abort', onAbort)
          sleeping = undefined
          proceed()
        }, wait)
      }
      return !paused
    }
    // Only a rate-limit wait listens to the signal itself; otherwise the aborted request errors the body.
    const onAbort = () => settle(job.signal.reason)
    out.onWritten = () => {
      if (out.failure) return settle(out.failure.err)
      if (!held) return
      heldOff = out.copy(held, heldOff, heldEnd)
      if (heldOff < heldEnd) return
      held = undefined
      proceed()
    }

    body.read({
      data,
      end: () => {
        ended = true
        proceed()
      },
      error: settle,
    })
  })
}

async function requestRange(job: SegmentJob, from: number, end: number): Promise<HttpResponse> {
  const headers: Record<string, string> = { range: `bytes=${from}-${end - 1}` }
  const ifRange = job.representation.ifRange
  if (ifRange) headers['if-range'] = ifRange
  const { res } = await getFollowing(job.transport, job.url, {
    headers,
    signal: job.signal,
    idleTimeoutMs: job.idleTimeoutMs,
    ...(job.extras ? { extras: job.extras } : {}),
  })
  if (res.status === 206) {
    const got = parseContentRange(res.headers['content-range'] as string | undefined)
    if (got?.total !== undefined && job.total !== undefined && got.total !== job.total) {
      await res.close()
      // Same validator, different size (a growing file): the bytes we hold may not be this file's.
      throw new RestartNeeded('restarted: the file size changed on the server')
    }
    // Without a strong validator there was no If-Range to catch a changed file: its tag does.
    const changed = job.representation.changedBy(validatorsOf(res))
    if (changed) {
      await res.close()
      throw new RestartNeeded(changed)
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
    job.representation.learn(validatorsOf(res))
    return res
  }
  await res.close()
  if (res.status === 200) {
    throw new RestartNeeded(
      ifRange
        ? 'restarted: the file changed on the server'
        : (job.representation.changedBy(validatorsOf(res)) ?? 'restarted: the server stopped honouring ranges'),
    )
  }
  if (res.status === 416) throw new RestartNeeded('restarted: the server no longer has the requested range')
  throw httpStatusError(res)
}
