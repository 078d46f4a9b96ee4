import { PinpointError } from '../../shared/pinpoint-error.ts'

export interface ContentRange {
  start: number
  /** Inclusive, as on the wire. */
  end: number
  total: number | undefined
}

/** `bytes a-b/total` or `bytes a-b/*`; undefined for anything else (multipart, `*\/total`, junk). */
export function parseContentRange(value: string | undefined): ContentRange | undefined {
  if (!value) return undefined
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/i.exec(value.trim())
  if (!m) return undefined
  const start = Number(m[1])
  const end = Number(m[2])
  const total = m[3] === '*' ? undefined : Number(m[3])
  if (end < start || (total !== undefined && end >= total)) return undefined
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return undefined
  return { start, end, total }
}

/**
 * Check a 206 against what was asked for: start, end and total must all agree, or nothing is written.
 *
 * Node accepts a 206 with no Content-Range at all, and a server may answer a different range than requested
 * (or a multipart one); writing such a body at our offset would corrupt the file silently.
 */
export function checkContentRange(
  header: string | undefined,
  want: { start: number; end: number | undefined; total: number | undefined },
  host: string,
): ContentRange {
  const got = parseContentRange(header)
  const wanted = `bytes ${want.start}-${want.end ?? ''}/${want.total ?? '*'}`
  if (!got) {
    throw new PinpointError(
      'RANGE_INVALID',
      `${host}: 206 with Content-Range "${header ?? '(none)'}", asked for ${wanted}`,
      {
        host,
      },
    )
  }
  const endOk = want.end === undefined ? got.total === undefined || got.end === got.total - 1 : got.end === want.end
  const totalOk = want.total === undefined || got.total === want.total
  if (got.start !== want.start || !endOk || !totalOk) {
    throw new PinpointError('RANGE_INVALID', `${host}: Content-Range "${header}" does not match ${wanted}`, { host })
  }
  return got
}
