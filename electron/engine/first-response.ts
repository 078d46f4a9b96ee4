import { parse as parseDisposition } from 'content-disposition'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import { describeChallenges, parseChallenges } from '../../shared/www-authenticate.ts'
import type { HttpResponse } from '../transport/http-request.ts'
import { checkContentRange } from './content-range.ts'
import { nameFromUrl, sanitizeName } from './file-names.ts'
import { strongValidators, type Validators } from './validators.ts'

/** What the first response says about the file. */
export interface FileFacts {
  /** Bytes, or undefined for a close-delimited body without Content-Length. */
  total: number | undefined
  rangeSupported: boolean
  /** Only a strong ETag: If-Range takes strong validators only (see validators.ts). */
  etag: string | undefined
  /** Last-Modified only when it is a strong validator and there is no ETag at all. */
  lastModified: string | undefined
  /** The validators as sent, weak ones too: within this download they still tell a changed file. */
  sent: Validators
  /** The name the server suggests (Content-Disposition), else the one in the original URL's path. */
  name: string
}

/**
 * Read the answer to `GET` with `Range: bytes=0-` (HEAD is never trusted: servers answer it differently).
 *
 * A 206 must say `bytes 0-(n-1)/n`, which gives the total and proves range support; a 200 means the server
 * ignores ranges, so the download runs on one connection and cannot resume.
 */
export function factsOf(res: HttpResponse, originalUrl: URL): FileFacts {
  const host = res.connection.host
  let total: number | undefined
  let rangeSupported = false
  if (res.status === 206) {
    const range = checkContentRange(header(res, 'content-range'), { start: 0, end: undefined, total: undefined }, host)
    total = range.total
    rangeSupported = total !== undefined
  } else if (res.status === 200) {
    total = contentLength(res, host)
  } else {
    throw httpStatusError(res)
  }
  const sent = validatorsOf(res)
  const strong = strongValidators(sent)
  return {
    total,
    rangeSupported,
    etag: strong.etag ?? undefined,
    lastModified: strong.lastModified ?? undefined,
    sent,
    name: nameFromDisposition(header(res, 'content-disposition')) ?? nameFromUrl(originalUrl),
  }
}

export function validatorsOf(res: HttpResponse): Validators {
  return { etag: header(res, 'etag'), lastModified: header(res, 'last-modified'), date: header(res, 'date') }
}

export function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name]
  return Array.isArray(v) ? v[0] : v
}

/** Content-Length, refusing conflicting duplicates: a request-smuggling shape, where no one can tell which is meant. */
export function contentLength(res: HttpResponse, host: string): number | undefined {
  const v = res.headers['content-length']
  if (v === undefined) return undefined
  const values = (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim())
  if (values.some((s) => !/^\d+$/.test(s)) || new Set(values).size > 1) {
    throw new PinpointError('PROTOCOL_ERROR', `${host}: malformed Content-Length "${String(v)}"`, { host })
  }
  return Number(values[0])
}

export function httpStatusError(res: HttpResponse): PinpointError {
  const host = res.connection.host
  const challenges = res.status === 401 ? parseChallenges(res.headers['www-authenticate']) : []
  if (challenges.length > 0) {
    // The realm is what tells the user which login is wanted; no credential is in the message or the URL.
    return new PinpointError(
      'AUTH_REQUIRED',
      `${host}: HTTP 401 for ${res.connection.url}: credentials needed (${describeChallenges(challenges)})`,
      { host, address: res.connection.address },
    )
  }
  const err = new PinpointError('HTTP_STATUS', `${host}: HTTP ${res.status} for ${res.connection.url}`, {
    host,
    address: res.connection.address,
  })
  return Object.assign(err, { httpStatus: res.status, retryAfter: header(res, 'retry-after') })
}

export function nameFromDisposition(value: string | undefined): string | undefined {
  if (!value) return undefined
  try {
    const filename = parseDisposition(utf8IfValid(value)).parameters.filename
    return filename ? sanitizeName(filename) || undefined : undefined
  } catch {
    return undefined
  }
}

/**
 * Header values arrive as latin1 (one char per byte), but many servers put raw UTF-8 in `filename="…"`.
 * Browsers read such bytes as UTF-8 when they are valid UTF-8, and so do we; otherwise latin1 stands.
 */
function utf8IfValid(latin1: string): string {
  if (!/[\u0080-\u00ff]/.test(latin1)) return latin1
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(latin1, 'latin1'))
  } catch {
    return latin1
  }
}
