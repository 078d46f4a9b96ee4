import type { ConnectionSummary } from '../../shared/connection.ts'
import type { FailureInfo } from '../../shared/errors.ts'
import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'
import { parseContentRange } from '../engine/content-range.ts'
import { nameFromUrl } from '../engine/file-names.ts'
import { contentLength, header, httpStatusError, nameFromDisposition } from '../engine/first-response.ts'
import { getFollowing } from '../engine/follow-redirects.ts'
import { summarize } from '../queue/connection-summary.ts'
import type { HttpResponse } from '../transport/http-request.ts'
import type { Transport } from '../transport/transport.ts'
import type { TransportMaker } from '../engine/core-transport.ts'

/** What one URL's server said about the file, before anything is added. */
export interface Learned {
  url: string
  name: string
  size: number | null
  method: 'HEAD' | 'GET' | null
  status: number | null
  finalUrl: string | null
  connection: ConnectionSummary | null
  error: FailureInfo | null
}

export type Previewer = (urls: readonly string[]) => Promise<Learned[]>

export interface PreviewerOptions {
  /** Transports as the core builds them: the saved host rules, resolver and CT log list, as downloads see them. */
  transports: TransportMaker
  /** Per URL, every hop and the fallback included. */
  timeoutMs?: number
  /** For the whole request: URLs not asked by then are reported as not checked, so a long list cannot hang. */
  deadlineMs?: number
  /** URLs asked at once. */
  concurrency?: number
  connectTimeoutMs?: number
}

/** Answers that mean "not for HEAD" rather than "no such file": the same URL is then asked with a 0-0 range. */
const DEFINITE = new Set([404, 410])

/**
 * `transfers:preview`'s network half: per URL, a HEAD (a `Range: bytes=0-0` GET when HEAD is refused) through a
 * transport built as the download transport is (the saved host rules: addresses, SNI, pins, trust), following
 * redirects under the same rules. A URL's failure is its answer (a code and a message), never the request's.
 *
 * Bounded: at most `concurrency` URLs at once, each within `timeoutMs`, all within `deadlineMs`.
 */
export function createPreviewer(opts: PreviewerOptions): Previewer {
  const timeoutMs = opts.timeoutMs ?? 8_000
  const deadlineMs = opts.deadlineMs ?? 20_000
  const concurrency = opts.concurrency ?? 6
  // Kept across previews for its memory of the node that answered; no idle connections are held.
  const transport = opts.transports({
    keepAliveMs: 0,
    ...(opts.connectTimeoutMs ? { connectTimeoutMs: opts.connectTimeoutMs } : {}),
  })
  return async (urls) => {
    const results: Learned[] = new Array<Learned>(urls.length)
    const deadline = new AbortController()
    const timer = setTimeout(
      () =>
        deadline.abort(new PinpointError('IDLE_TIMEOUT', `not checked: the check stops after ${deadlineMs / 1000} s`)),
      deadlineMs,
    )
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < urls.length) {
        const i = next++
        const url = urls[i] as string
        if (deadline.signal.aborted) {
          results[i] = failed(url, deadline.signal.reason, null)
          continue
        }
        const own = new AbortController()
        const ownTimer = setTimeout(
          () => own.abort(new PinpointError('IDLE_TIMEOUT', `no answer within ${timeoutMs / 1000} s`)),
          timeoutMs,
        )
        try {
          results[i] = await learn(transport, url, AbortSignal.any([own.signal, deadline.signal]))
        } finally {
          clearTimeout(ownTimer)
        }
      }
    }
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, urls.length) }, worker))
    } finally {
      clearTimeout(timer)
    }
    return results
  }
}

async function learn(transport: Transport, url: string, signal: AbortSignal): Promise<Learned> {
  const start = new URL(url)
  let method: 'HEAD' | 'GET' = 'HEAD'
  let res: HttpResponse | undefined
  try {
    let followed = await getFollowing(transport, start, { method, signal })
    if (!ok(followed.res.status) && !DEFINITE.has(followed.res.status)) {
      await followed.res.close()
      method = 'GET'
      followed = await getFollowing(transport, start, { headers: { range: 'bytes=0-0' }, signal })
    }
    res = followed.res
    const finalUrl = followed.finalUrl.href === start.href ? null : followed.finalUrl.href
    const base = { url, method, status: res.status, finalUrl, connection: summarize(res.connection) }
    if (!ok(res.status)) return { ...base, name: nameFromUrl(start), size: null, error: failure(httpStatusError(res)) }
    const host = res.connection.host
    const size =
      res.status === 206
        ? (parseContentRange(header(res, 'content-range'))?.total ?? null)
        : (contentLength(res, host) ?? null)
    const name = nameFromDisposition(header(res, 'content-disposition')) ?? nameFromUrl(start)
    return { ...base, name, size, error: null }
  } catch (err) {
    return failed(url, signal.aborted ? signal.reason : err, method)
  } finally {
    // Never read the body: a GET that the server answered with the whole file is cut here.
    await res?.close().catch(() => undefined)
  }
}

function ok(status: number): boolean {
  return status >= 200 && status < 300
}

function failed(url: string, err: unknown, method: 'HEAD' | 'GET' | null): Learned {
  let name = 'download'
  try {
    name = nameFromUrl(new URL(url))
  } catch {
    // The schema let only valid URLs in; the fallback name stands.
  }
  return { url, name, size: null, method, status: null, finalUrl: null, connection: null, error: failure(err) }
}

function failure(err: unknown): FailureInfo {
  if (isPinpointError(err)) return { code: err.code, message: err.message.slice(0, 4096) }
  const message = err instanceof Error ? err.message : String(err)
  return { code: 'INTERNAL', message: message.slice(0, 4096) }
}
