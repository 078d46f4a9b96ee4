import { constants } from 'node:fs'
import { open } from 'node:fs/promises'

import type { FailureInfo } from '../../shared/errors.ts'
import { checkDownloadUrl } from '../../shared/links.ts'
import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'
import { redactUrl, redactUrlsIn } from '../../shared/redact-url.ts'
import { parseProfile, serializeProfile, type ConnectionProfile } from '../../shared/profile.ts'
import type { RefreshFrom, RefreshMatch, RefreshResult } from '../../shared/refresh.ts'
import { profiledTransport } from '../transport/profiled-transport.ts'
import { readBody } from '../transport/read-body.ts'
import { checkContentRange, parseContentRange } from './content-range.ts'
import { getFollowing } from './follow-redirects.ts'
import { header, httpStatusError, validatorsOf } from './first-response.ts'
import { hostRuleSecrets, requestExtras, type RequestExtras } from './request-extras.ts'
import { partPathOf } from './target-path.ts'
import type { EngineEnv } from './transfer-runner.ts'
import { strongValidators, type StrongValidators } from './validators.ts'
import type { TransferRow } from '../store/transfer-row.ts'

/** How many bytes each compared range holds: enough to tell two files apart, little to fetch twice. */
export const PROBE_BYTES = 64 * 1024

export interface RefreshDeps {
  env: EngineEnv
  /** Whether the transfer runs now: a running one is never given a new URL under its feet. */
  isActive(id: number): boolean
  /** Tell the views the row changed. */
  touch(id: number): void
}

/** A half-open byte range `[start, end)` of the file. */
interface Span {
  start: number
  end: number
}

/**
 * Give a paused or failed download a new URL for the same file, keeping its progress: a signed link that expired
 * at 90 % must not start the file over.
 *
 * The new URL is asked for the first bytes of the file, through the download's own profile (the new host's
 * rules, addresses and pins apply, as for any URL). It is taken only when it serves the same file: the same
 * size, and either the same strong validator or, when the new host's validators differ (another CDN node), the
 * same bytes as ours in two ranges of committed data, one at the start and one just before the durable end.
 * It must also offer a strong validator, which the resume sends as If-Range; without one the download could
 * not continue from where it is. Refused, nothing on disk or in the store changes.
 */
export async function refreshUrl(
  deps: RefreshDeps,
  id: number,
  text: string,
  from?: RefreshFrom,
): Promise<RefreshResult> {
  const { env } = deps
  const check = checkDownloadUrl(text)
  if (!check.ok) return refused('BAD_URL', `${text.slice(0, 200)}: ${check.reason}`)
  const url = new URL(check.url)
  if (url.username !== '' || url.password !== '') {
    return refused('BAD_URL', 'the new URL carries a user name or password: give credentials with the download instead')
  }
  const row = env.store.transfers.get(id)
  if (!row) return refused('BAD_INPUT', `no transfer ${id}`)
  const notNow = notRefreshable(deps, row)
  if (notNow) return refused('BAD_INPUT', notNow)

  // A download's own credentials, headers and cookies go to its URL's origin; a link elsewhere would carry them
  // there, on the check and on every request after it.
  if (url.origin !== new URL(row.url).origin && holdsSecrets(env, id)) {
    return refused(
      'BAD_INPUT',
      `this download sends its own credentials, headers or cookies to ${new URL(row.url).origin}; a link to ${url.origin} would send them there: clear them first`,
    )
  }
  const committed = committedSpans(env, id)
  let verdict: { matchedBy: RefreshMatch; strong: StrongValidators } | FailureInfo
  try {
    verdict = await judge(env, row, url, committed, from)
  } catch (err) {
    if (!isPinpointError(err)) throw err
    return refused(err.code, `the new URL could not be checked: ${err.message}`)
  }
  if ('code' in verdict) return { ok: false, error: verdict }

  // The check took network time: the user may have resumed, removed or restarted the transfer meanwhile, and
  // the verdict holds only for the file it was made against.
  const now = env.store.transfers.get(id)
  const changed = !now
    ? `no transfer ${id}`
    : (notRefreshable(deps, now) ??
      (sameFileAs(now, row) ? undefined : `transfer ${id} changed while the link was checked: try again`))
  if (changed || !now) return refused('BAD_INPUT', changed ?? `no transfer ${id}`)
  const was = new URL(row.url)
  const { strong } = verdict
  env.store.transaction(() => {
    env.store.transfers.update(id, {
      url: url.href,
      finalUrl: null,
      etag: strong.etag,
      lastModified: strong.lastModified,
      errorCode: null,
      errorMessage: null,
      state: 'paused',
      ...(from?.referrer
        ? { connection: serializeProfile(withReferrer(parseProfile(now.connection), from.referrer)) }
        : {}),
    })
    // The browser's session that found the link is the one the rest of the download goes on with.
    if (from?.cookies?.length) env.store.secrets.putAll(id, { ...env.store.secrets.getAll(id), cookies: from.cookies })
  })
  env.store.events.add(
    id,
    'refreshed',
    `new link ${redactUrl(url)} (was ${redactUrl(was)}): ${MATCH_WORDS[verdict.matchedBy]}`,
  )
  deps.touch(id)
  return { ok: true, matchedBy: verdict.matchedBy }
}

const MATCH_WORDS: Record<RefreshMatch, string> = {
  validator: 'the same size and validator',
  ranges: 'the same size and the same bytes where ours are',
  'nothing-on-disk': 'nothing was downloaded yet',
}

function refused(code: FailureInfo['code'], message: string): RefreshResult {
  // Shown in the window and printed by the CLI: the links in it (the one given, the one it was checked as) lose
  // their secrets.
  return { ok: false, error: { code, message: redactUrlsIn(message).slice(0, 4096) } }
}

function sameFileAs(a: TransferRow, b: TransferRow): boolean {
  return (
    a.url === b.url &&
    a.total === b.total &&
    a.etag === b.etag &&
    a.lastModified === b.lastModified &&
    a.restarts === b.restarts
  )
}

function notRefreshable(deps: RefreshDeps, row: TransferRow): string | undefined {
  if (deps.isActive(row.id) || (row.state !== 'paused' && row.state !== 'failed')) {
    return `transfer ${row.id} is ${row.state}: only a paused or failed download can be given a new URL`
  }
  return undefined
}

/** Whether the download has secrets of its own; ones this process cannot open count, to be safe. */
function holdsSecrets(env: EngineEnv, id: number): boolean {
  try {
    return env.store.secrets.getAll(id) !== undefined
  } catch {
    return true
  }
}

/** The durable bytes, as the segments record them, in file order. */
function committedSpans(env: EngineEnv, id: number): Span[] {
  return env.store.segments
    .list(id)
    .filter((s) => s.done > 0)
    .map((s) => ({ start: s.start, end: s.start + s.done }))
    .sort((a, b) => a.start - b.start)
}

async function judge(
  env: EngineEnv,
  row: TransferRow,
  url: URL,
  committed: readonly Span[],
  from: RefreshFrom | undefined,
): Promise<{ matchedBy: RefreshMatch; strong: StrongValidators } | FailureInfo> {
  const profile = parseProfile(row.connection)
  const transport = profiledTransport(env.transport, profile, undefined)
  // The link is checked as it would then be downloaded: with the browser's page and cookies when it sent them.
  const stored = env.store.secrets.getAll(row.id)
  const secrets = from?.cookies?.length ? { ...stored, cookies: from.cookies } : stored
  const extras = requestExtras(
    url.origin,
    from?.referrer ? withReferrer(profile, from.referrer) : profile,
    secrets,
    (u) => hostRuleSecrets(env.store, u),
  )
  const shown = redactUrl(url)
  const spans = probeSpans(committed)
  const first = spans[0] ?? { start: 0, end: Math.min(PROBE_BYTES, row.total ?? PROBE_BYTES) }
  const probe = await fetchSpan(env, transport, url, extras, first, row.total)
  const no = (message: string): FailureInfo => ({ code: 'REFRESH_REFUSED', message })
  if (probe.total === undefined) return no(`${shown} does not serve byte ranges, so the download could not continue`)
  if (row.total !== null && probe.total !== row.total) {
    return no(`${shown} serves ${probe.total} bytes, not the ${row.total} of this download: another file`)
  }
  if (probe.strong.etag === null && probe.strong.lastModified === null) {
    return no(`${shown} gives no strong validator (ETag or Last-Modified), so the download could not resume from it`)
  }
  if (committed.length === 0) return { matchedBy: 'nothing-on-disk', strong: probe.strong }
  if (sameValidator(row, probe.strong)) return { matchedBy: 'validator', strong: probe.strong }

  // Other validators: another node of a CDN may tag the same file differently. Only our own bytes can tell.
  if (!row.targetPath) return no(`${shown} has other validators and this download has no file to compare`)
  const ours = await readSpans(partPathOf(row.targetPath), spans)
  if (!ours) return no(`${shown} has other validators and the .part file is gone, so nothing can be compared`)
  const theirs = [probe.body]
  for (const span of spans.slice(1)) theirs.push((await fetchSpan(env, transport, url, extras, span, row.total)).body)
  for (const [i, span] of spans.entries()) {
    if (!ours[i]?.equals(theirs[i] ?? Buffer.alloc(0))) {
      return no(`${shown} has other validators and other bytes at ${span.start}-${span.end - 1}: another file`)
    }
  }
  return { matchedBy: 'ranges', strong: probe.strong }
}

/** The profile with `referrer` as its Referer header, in place of any it had. */
function withReferrer(profile: ConnectionProfile | undefined, referrer: string): ConnectionProfile {
  const headers = (profile?.headers ?? []).filter((h) => h.name.toLowerCase() !== 'referer')
  return { ...(profile ?? { rules: [] }), headers: [...headers, { name: 'referer', value: referrer }] }
}

function sameValidator(row: TransferRow, strong: StrongValidators): boolean {
  if (row.etag !== null && strong.etag !== null) return row.etag === strong.etag
  if (row.etag === null && row.lastModified !== null && strong.lastModified !== null) {
    return Date.parse(row.lastModified) === Date.parse(strong.lastModified)
  }
  return false
}

/**
 * The ranges to compare: up to PROBE_BYTES at the start of the committed data, and as many just before its
 * durable end (the end of the span that reaches furthest), when that is a different place.
 */
export function probeSpans(committed: readonly Span[]): Span[] {
  const head = committed[0]
  if (!head) return []
  const firstSpan = { start: head.start, end: Math.min(head.end, head.start + PROBE_BYTES) }
  const tail = committed.reduce((a, b) => (b.end > a.end ? b : a))
  const lastSpan = { start: Math.max(tail.start, tail.end - PROBE_BYTES), end: tail.end }
  return lastSpan.start >= firstSpan.end || tail !== head ? [firstSpan, lastSpan] : [firstSpan]
}

async function fetchSpan(
  env: EngineEnv,
  transport: EngineEnv['transport'],
  url: URL,
  extras: RequestExtras | undefined,
  span: Span,
  expectedTotal: number | null,
): Promise<{ body: Buffer; total: number | undefined; strong: StrongValidators }> {
  const { res } = await getFollowing(transport, url, {
    headers: { range: `bytes=${span.start}-${span.end - 1}` },
    ...(extras ? { extras } : {}),
    idleTimeoutMs: env.idleTimeoutMs ?? 30_000,
  })
  try {
    const strong = strongValidators(validatorsOf(res))
    const rangeHeader = header(res, 'content-range')
    // 416: our range lies past the end of the new file, which names its size as `bytes */n`.
    const unsatisfiable = res.status === 416 ? /^bytes \*\/(\d+)$/i.exec(rangeHeader?.trim() ?? '') : null
    if (unsatisfiable) return { body: Buffer.alloc(0), total: Number(unsatisfiable[1]), strong }
    if (res.status === 200) return { body: Buffer.alloc(0), total: undefined, strong }
    if (res.status !== 206) throw httpStatusError(res)
    // Another size is the answer by itself, whatever range of that other file came back.
    const said = parseContentRange(rangeHeader)?.total
    if (expectedTotal !== null && said !== undefined && said !== expectedTotal) {
      return { body: Buffer.alloc(0), total: said, strong }
    }
    const range = checkContentRange(
      rangeHeader,
      { start: span.start, end: span.end - 1, total: undefined },
      res.connection.host,
    )
    const tooMany = () =>
      new PinpointError('RANGE_INVALID', `${res.connection.host}: more bytes than the range asked for`)
    return { body: await readBody(res, span.end - span.start, tooMany), total: range.total, strong }
  } finally {
    await res.close()
  }
}

/** Our committed bytes at `spans`, read from the `.part` (never through a symlink); undefined when it is gone. */
async function readSpans(path: string, spans: readonly Span[]): Promise<Buffer[] | undefined> {
  let fd
  try {
    fd = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW)
  } catch {
    return undefined
  }
  try {
    const out: Buffer[] = []
    for (const span of spans) {
      const buf = Buffer.alloc(span.end - span.start)
      const { bytesRead } = await fd.read(buf, 0, buf.length, span.start)
      out.push(buf.subarray(0, bytesRead))
    }
    return out
  } finally {
    await fd.close()
  }
}
