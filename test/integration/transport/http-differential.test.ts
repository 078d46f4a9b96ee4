import { createHash } from 'node:crypto'
import { once } from 'node:events'
import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'
import net, { type OnReadOpts } from 'node:net'
import { setTimeout as delay } from 'node:timers/promises'
import tls from 'node:tls'
import { gunzipSync, gzipSync, deflateSync, inflateSync } from 'node:zlib'

import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { ErrorCode } from '../../../shared/errors.ts'
import { HostRule } from '../../../shared/domain.ts'
import { isPinpointError } from '../../../shared/pinpoint-error.ts'
import { httpRequest, type HttpResponse } from '../../../electron/transport/http-request.ts'
import { createTransport, type Transport } from '../../../electron/transport/transport.ts'
import { makePki, type Pki } from '../../fixtures/pki.ts'
import { planPieces, startReplayServer, type ReplayServer, type Schedule } from '../../fixtures/replay-server.ts'

/**
 * Differential test of our HTTP/1.1 response handling against Node's own parser (llhttp, inside node:http).
 *
 * Every response of the corpus below is served byte for byte by the replay server, cut into pieces on several
 * schedules (whole, one byte per read, a read per line, seeded random pieces and pauses), over plain TCP and
 * over TLS. Our transport (`httpRequest`) and node:http each fetch it on a connection of their own, and the two
 * outcomes must agree: both accept with the same status and the very same body bytes, or both refuse (any
 * error counts as a refusal; the codes are not compared). Where we differ from llhttp on purpose, the case is
 * in INTENDED_DIFFERENCES with the reason, and there our outcome must be exactly the one declared.
 *
 * Each side runs under its own deadline that turns a hang into the outcome 'HANG', so a stuck client fails the
 * test instead of stalling the run. Our side must never hang: it has an idle timeout, and a response that stops
 * arriving must end in an error.
 */

type Outcome = { ok: true; status: number; body: Buffer } | { ok: false; code: string }

/** A response the corpus serves: its raw bytes and what the server does after the last one. */
type Case = { name: string; raw: Buffer; then?: 'fin' | 'keep' }

/** What our side must do where it differs from llhttp on purpose. */
type Intended =
  /** We refuse, with this code, what llhttp accepts. */
  | { reason: string; refuse: ErrorCode }
  /** We accept, with this status and body, what llhttp refuses. */
  | { reason: string; accept: { status: number; body: string } }
  /** We decode a transfer coding llhttp hands over as is: our body is `decode(llhttp's body)`. */
  | { reason: string; decode: (llhttpBody: Buffer) => Buffer }

/** The name in the test certificate; a host rule sends it to 127.0.0.1. */
const HOST = 'a.test'
/** Our idle timeout: a response that stops arriving must fail within it. */
const IDLE_MS = 1000
/** A side that has not settled this long after the server's last piece is stuck: its outcome is 'HANG'. */
const HANG_MS = 3000
/** And whatever the server is doing, a side that has not settled after this long is stuck too. */
const CAP_MS = 25_000
/** The errors by which we refuse a response; any other (a TLS or connect failure) means the run proved nothing. */
const OUR_REFUSALS = new Set(['PROTOCOL_ERROR', 'CONNECTION_RESET', 'IDLE_TIMEOUT'])
/** llhttp's refusals: its parse errors, a body cut short, and a hang; anything else failed before HTTP began. */
const isLlhttpRefusal = (code: string) =>
  code.startsWith('HPE_') || ['INCOMPLETE', 'ABORTED', 'ECONNRESET', 'CLOSED', 'HANG'].includes(code)

const CRLF = '\r\n'
const latin1 = (s: string) => Buffer.from(s, 'latin1')
/** A response from its status line and header lines (each ended by CRLF, then the empty line) and its body. */
const msg = (lines: string[], body: string | Buffer = '') =>
  Buffer.concat([latin1(lines.map((l) => l + CRLF).join('') + CRLF), typeof body === 'string' ? latin1(body) : body])
/** A chunked body: each part as one chunk (size in lower-case hex), then the last chunk and the final CRLF. */
const chunked = (parts: (string | Buffer)[], end = `0${CRLF}${CRLF}`) =>
  Buffer.concat([
    ...parts.flatMap((p) => {
      const data = typeof p === 'string' ? latin1(p) : p
      return [latin1(`${data.length.toString(16)}${CRLF}`), data, latin1(CRLF)]
    }),
    latin1(end),
  ])

const TEXT = 'Pinpoint differential test: the same bytes through two parsers. '.repeat(8)
const GZ = gzipSync(TEXT)
const DEFLATED = deflateSync(TEXT)
const halves = (b: Buffer) => [b.subarray(0, b.length >> 1), b.subarray(b.length >> 1)]
const BINARY = Buffer.from(Array.from({ length: 300 }, (_, k) => (k * 37) % 256))
const junk = (bytes: number) =>
  Array.from({ length: Math.ceil(bytes / 64) }, (_, k) => `X-Junk-${k}: ${'j'.repeat(52)}`)

const OK = 'HTTP/1.1 200 OK'
const TE_CHUNKED = 'Transfer-Encoding: chunked'

const CASES: Case[] = [
  // Content-Length
  { name: 'Content-Length body, then FIN', raw: msg([OK, 'Content-Length: 5'], 'hello') },
  { name: 'Content-Length body, connection kept open', raw: msg([OK, 'Content-Length: 5'], 'hello'), then: 'keep' },
  { name: 'Content-Length: 0, connection kept open', raw: msg([OK, 'Content-Length: 0']), then: 'keep' },
  {
    name: 'binary body holding CR, LF and NUL bytes',
    raw: msg([OK, `Content-Length: ${BINARY.length + 6}`], Buffer.concat([latin1('\r\n\r\n\0\n'), BINARY])),
    then: 'keep',
  },
  {
    name: '206 with Content-Range',
    raw: msg(['HTTP/1.1 206 Partial Content', 'Content-Range: bytes 10-14/100', 'Content-Length: 5'], 'range'),
    then: 'keep',
  },
  { name: 'status line without a reason phrase', raw: msg(['HTTP/1.1 200', 'Content-Length: 2'], 'ok') },
  { name: 'status 599', raw: msg(['HTTP/1.1 599 Whatever', 'Content-Length: 2'], 'ok') },
  { name: 'a head of 8 KiB', raw: msg([OK, ...junk(8 * 1024), 'Content-Length: 2'], 'ok'), then: 'keep' },

  // Bodies that end with the connection
  { name: 'close-delimited body', raw: msg([OK, 'Content-Type: text/plain'], 'until the end') },
  { name: 'close-delimited empty body', raw: msg([OK, 'Content-Type: text/plain']) },
  { name: 'HTTP/1.0 close-delimited body', raw: msg(['HTTP/1.0 200 OK'], 'old style') },
  { name: 'HTTP/1.0 with Content-Length', raw: msg(['HTTP/1.0 200 OK', 'Content-Length: 3'], 'old') },

  // Chunked
  {
    name: 'chunked, lower-case hex sizes',
    raw: msg([OK, TE_CHUNKED], chunked(['0123456789', 'x'.repeat(31), 'end'])),
    then: 'keep',
  },
  {
    name: 'chunked, upper-case hex sizes',
    raw: msg([OK, TE_CHUNKED], `A${CRLF}0123456789${CRLF}1F${CRLF}${'y'.repeat(31)}${CRLF}0${CRLF}${CRLF}`),
    then: 'keep',
  },
  {
    name: 'chunked, sizes with leading zeros',
    raw: msg([OK, TE_CHUNKED], `0005${CRLF}hello${CRLF}00${CRLF}${CRLF}`),
    then: 'keep',
  },
  {
    name: 'chunked with extensions',
    raw: msg([OK, TE_CHUNKED], `5;a=b${CRLF}hello${CRLF}6;name;q="x y"${CRLF} world${CRLF}0;last=1${CRLF}${CRLF}`),
    then: 'keep',
  },
  {
    name: 'chunked with trailers',
    raw: msg(
      [OK, TE_CHUNKED, 'Trailer: X-Sum'],
      chunked(['hello'], `0${CRLF}X-Sum: abc${CRLF}X-More: 1${CRLF}${CRLF}`),
    ),
    then: 'keep',
  },
  {
    name: 'chunked, the final CRLF missing, then FIN',
    raw: msg([OK, TE_CHUNKED], chunked(['hello'], `0${CRLF}`)),
  },
  { name: 'chunked, the last chunk missing, then FIN', raw: msg([OK, TE_CHUNKED], chunked(['hello'], '')) },
  {
    name: 'chunked, chunk data longer than its size',
    raw: msg([OK, TE_CHUNKED], `3${CRLF}hello${CRLF}0${CRLF}${CRLF}`),
  },
  { name: 'chunked, bad hex in a size', raw: msg([OK, TE_CHUNKED], `5g${CRLF}hello${CRLF}0${CRLF}${CRLF}`) },
  {
    name: 'chunked, a size that is not hex at all',
    raw: msg([OK, TE_CHUNKED], `zz${CRLF}hello${CRLF}0${CRLF}${CRLF}`),
  },
  { name: 'chunked, an empty size line', raw: msg([OK, TE_CHUNKED], `${CRLF}hello${CRLF}0${CRLF}${CRLF}`) },
  {
    name: 'chunked, a size past 2^64',
    raw: msg([OK, TE_CHUNKED], `1${'0'.repeat(16)}${CRLF}hello${CRLF}0${CRLF}${CRLF}`),
  },

  // Content-Length, repeated or in conflict
  { name: 'Content-Length: 5, 5', raw: msg([OK, 'Content-Length: 5, 5'], 'hello') },
  { name: 'two equal Content-Length headers', raw: msg([OK, 'Content-Length: 5', 'Content-Length: 5'], 'hello') },
  { name: 'Content-Length: 5, 6', raw: msg([OK, 'Content-Length: 5, 6'], 'hello!') },
  { name: 'two different Content-Length headers', raw: msg([OK, 'Content-Length: 5', 'Content-Length: 6'], 'hello!') },
  { name: 'Content-Length that is not a number', raw: msg([OK, 'Content-Length: 5x'], 'hello') },
  { name: 'negative Content-Length', raw: msg([OK, 'Content-Length: -5'], 'hello') },

  // Transfer-Encoding
  {
    name: 'chunked with Content-Length (5-byte body, length 3)',
    raw: msg([OK, TE_CHUNKED, 'Content-Length: 3'], chunked(['hello'])),
  },
  {
    name: 'Content-Length before chunked',
    raw: msg([OK, 'Content-Length: 10', TE_CHUNKED], chunked(['hello'])),
  },
  { name: 'gzip, chunked', raw: msg([OK, 'Transfer-Encoding: gzip, chunked'], chunked(halves(GZ))), then: 'keep' },
  { name: 'x-gzip, chunked', raw: msg([OK, 'Transfer-Encoding: x-gzip, chunked'], chunked(halves(GZ))) },
  { name: 'deflate, chunked', raw: msg([OK, 'Transfer-Encoding: deflate, chunked'], chunked(halves(DEFLATED))) },
  {
    name: 'gzip and chunked in two Transfer-Encoding headers',
    raw: msg([OK, 'Transfer-Encoding: gzip', TE_CHUNKED], chunked(halves(GZ))),
  },
  { name: 'gzip alone, close-delimited', raw: msg([OK, 'Transfer-Encoding: gzip'], GZ) },
  {
    name: 'an unknown transfer coding: foo, chunked',
    raw: msg([OK, 'Transfer-Encoding: foo, chunked'], chunked(['x'])),
  },
  { name: 'an unknown transfer coding: br, chunked', raw: msg([OK, 'Transfer-Encoding: br, chunked'], chunked(['x'])) },

  // Interim responses
  {
    name: '100 Continue before the response',
    raw: Buffer.concat([msg(['HTTP/1.1 100 Continue']), msg([OK, 'Content-Length: 5'], 'hello')]),
    then: 'keep',
  },
  {
    name: '103 Early Hints with headers before the response',
    raw: Buffer.concat([
      msg(['HTTP/1.1 103 Early Hints', 'Link: </style.css>; rel=preload; as=style', 'Link: </app.js>; rel=preload']),
      msg([OK, 'Content-Length: 5'], 'hello'),
    ]),
    then: 'keep',
  },
  {
    name: '100 then 103 before a chunked response',
    raw: Buffer.concat([
      msg(['HTTP/1.1 100 Continue']),
      msg(['HTTP/1.1 103 Early Hints', 'Link: </a>']),
      msg([OK, TE_CHUNKED], chunked(['hel', 'lo'])),
    ]),
    then: 'keep',
  },

  // Statuses without a body, whatever the headers say
  { name: '204 without Content-Length', raw: msg(['HTTP/1.1 204 No Content']), then: 'keep' },
  { name: '204 with Content-Length', raw: msg(['HTTP/1.1 204 No Content', 'Content-Length: 5']), then: 'keep' },
  { name: '304 without Content-Length', raw: msg(['HTTP/1.1 304 Not Modified', 'ETag: "x"']), then: 'keep' },
  { name: '304 with Content-Length', raw: msg(['HTTP/1.1 304 Not Modified', 'Content-Length: 5']), then: 'keep' },

  // Header syntax
  {
    name: 'obs-fold continuation line',
    raw: msg([OK, 'X-Folded: first', '  second', 'Content-Length: 5'], 'hello'),
  },
  { name: 'bare LF line endings', raw: latin1(`${OK}\nContent-Length: 5\n\nhello`) },
  { name: 'a bare LF ending one header line', raw: latin1(`${OK}\r\nX-A: 1\nContent-Length: 5\r\n\r\nhello`) },
  { name: 'NUL in a header value', raw: msg([OK, 'X-A: a\0b', 'Content-Length: 5'], 'hello') },
  { name: 'a control character in a header value', raw: msg([OK, 'X-A: a\x01b', 'Content-Length: 5'], 'hello') },
  { name: 'DEL in a header value', raw: msg([OK, 'X-A: a\x7fb', 'Content-Length: 5'], 'hello') },
  { name: 'NUL in a header name', raw: msg([OK, 'X-\0A: 1', 'Content-Length: 5'], 'hello') },
  { name: 'a space before the colon', raw: msg([OK, 'X-A : 1', 'Content-Length: 5'], 'hello') },
  { name: 'a header line without a colon', raw: msg([OK, 'X-A 1', 'Content-Length: 5'], 'hello') },
  { name: 'a head larger than 16 KiB', raw: msg([OK, ...junk(17 * 1024), 'Content-Length: 2'], 'ok') },

  // Status codes outside 100–599 and malformed status lines
  { name: 'status 000', raw: msg(['HTTP/1.1 000 Zero', 'Content-Length: 2'], 'ok') },
  { name: 'status 099', raw: msg(['HTTP/1.1 099 Low', 'Content-Length: 2'], 'ok') },
  { name: 'status 600', raw: msg(['HTTP/1.1 600 High', 'Content-Length: 2'], 'ok') },
  { name: 'status 999', raw: msg(['HTTP/1.1 999 Max', 'Content-Length: 2'], 'ok') },
  { name: 'a two-digit status', raw: msg(['HTTP/1.1 20 OK', 'Content-Length: 2'], 'ok') },
  { name: 'HTTP/2 in a status line', raw: msg(['HTTP/2 200 OK', 'Content-Length: 2'], 'ok') },

  // Bodies that do not match their length
  { name: 'body longer than Content-Length, then FIN', raw: msg([OK, 'Content-Length: 5'], 'hello, and more') },
  { name: 'Content-Length larger than the body, then FIN', raw: msg([OK, 'Content-Length: 50'], 'hello') },
  {
    // llhttp waits for ever here (its outcome is 'HANG', a refusal); ours must end with its idle timeout.
    name: 'Content-Length larger than the body, then silence',
    raw: msg([OK, 'Content-Length: 50'], 'hello'),
    then: 'keep',
  },
]

const STRICTER_STATUS = 'a status outside 100–599 is not HTTP; a download cannot tell what it means'

/**
 * Where we part from llhttp on purpose. The test fails if one of these no longer differs from llhttp (the entry
 * would hide nothing and must go) or if our outcome is not exactly the one declared.
 */
const INTENDED_DIFFERENCES: Record<string, Intended> = {
  'gzip, chunked': {
    reason: 'we decode gzip, x-gzip and deflate transfer codings; llhttp passes the coded bytes on',
    decode: gunzipSync,
  },
  'x-gzip, chunked': { reason: 'x-gzip is gzip, decoded like it', decode: gunzipSync },
  'deflate, chunked': { reason: 'we decode the deflate transfer coding (zlib format)', decode: inflateSync },
  'gzip and chunked in two Transfer-Encoding headers': {
    reason: 'two Transfer-Encoding headers are one list of codings, decoded in order',
    decode: gunzipSync,
  },
  'gzip alone, close-delimited': {
    reason: 'without chunked the body runs to the close, and the gzip coding is still ours to decode',
    decode: gunzipSync,
  },
  'an unknown transfer coding: foo, chunked': {
    reason: 'a coding we cannot decode would put coded bytes on disk as if they were the file',
    refuse: 'PROTOCOL_ERROR',
  },
  'an unknown transfer coding: br, chunked': {
    reason: 'br is a content coding, not a transfer coding we decode: the bytes would land coded',
    refuse: 'PROTOCOL_ERROR',
  },
  'Content-Length: 5, 5': {
    reason: 'a list that repeats one length leaves no doubt about the length, so it is that length',
    accept: { status: 200, body: 'hello' },
  },
  'two equal Content-Length headers': {
    reason: 'a header repeated with the same length leaves no doubt about the length, so it is that length',
    accept: { status: 200, body: 'hello' },
  },
  'status 000': { reason: STRICTER_STATUS, refuse: 'PROTOCOL_ERROR' },
  'status 099': { reason: STRICTER_STATUS, refuse: 'PROTOCOL_ERROR' },
  'status 600': { reason: STRICTER_STATUS, refuse: 'PROTOCOL_ERROR' },
  'status 999': { reason: STRICTER_STATUS, refuse: 'PROTOCOL_ERROR' },
}

/** Every case goes through each of these; TLS takes fewer, as its pieces are records rather than segments. */
const RUNS: { secure: boolean; schedule: Schedule }[] = [
  ...(['whole', 'bytes', 'crlf', 'random'] as const).map((schedule) => ({ secure: false, schedule })),
  ...(['whole', 'bytes', 'random'] as const).map((schedule) => ({ secure: true, schedule })),
]

let pki: Pki
let plain: ReplayServer
let secure: ReplayServer
let transport: Transport
let nextPath = 0

beforeAll(async () => {
  pki = await makePki()
  const identity = { keyPem: pki.aTest.keyPem, chainPem: pki.aTest.chainPem }
  ;[plain, secure] = await Promise.all([startReplayServer(), startReplayServer({ tls: identity })])
  transport = createTransport({
    rules: () => [HostRule.parse({ pattern: HOST, addresses: ['127.0.0.1'] })],
    ca: [pki.rootPem],
    // One connection per request: the replay server answers one request per connection anyway.
    keepAliveMs: 0,
  })
}, 60_000)
afterAll(async () => {
  await Promise.all([plain?.close(), secure?.close()])
})

/**
 * Resolves true when a side that has not settled yet counts as stuck: HANG_MS after the server's last piece,
 * or CAP_MS in any case. Resolves false, at once, when `stop` aborts first.
 */
function deadline(server: ReplayServer, path: string, stop: AbortSignal): Promise<boolean> {
  const opts = { signal: stop }
  const sent = server.whenSent(path).then(() => delay(HANG_MS, true, opts))
  return Promise.race([sent, delay(CAP_MS, true, opts)]).catch(() => false)
}

/** Fetch `path` with our transport, settling by its deadline whatever happens. */
async function viaPinpoint(server: ReplayServer, path: string): Promise<Outcome> {
  const abort = new AbortController()
  let res: HttpResponse | undefined
  const work = (async (): Promise<Outcome> => {
    try {
      res = await httpRequest(transport, {
        url: new URL(server.url(path, HOST)),
        idleTimeoutMs: IDLE_MS,
        signal: abort.signal,
      })
      const body = Buffer.concat(await res.body.toArray())
      return { ok: true, status: res.status, body }
    } catch (err) {
      if (isPinpointError(err)) return { ok: false, code: err.code }
      return { ok: false, code: `not a PinpointError: ${String(err)}` }
    }
  })()
  const stop = new AbortController()
  const hang = deadline(server, path, stop.signal).then((): Outcome => ({ ok: false, code: 'HANG' }))
  const outcome = await Promise.race([work, hang])
  stop.abort()
  // After a hang, the abort is what frees the connection; either way the response is closed.
  if (!outcome.ok && outcome.code === 'HANG') abort.abort(new Error('the differential test gave up waiting'))
  await res?.close()
  return outcome
}

/** Fetch `path` with node:http or node:https (llhttp), settling by its deadline whatever happens. */
function viaLlhttp(server: ReplayServer, path: string): Promise<Outcome> {
  return new Promise((resolve) => {
    let response: IncomingMessage | undefined
    const chunks: Buffer[] = []
    const stop = new AbortController()
    const settle = (o: Outcome) => {
      stop.abort()
      req.destroy()
      resolve(o)
    }
    // A response llhttp read to its end is its outcome, even when an error follows (bytes after the body):
    // the 'end' still comes. Before that, the first error or close is a refusal.
    const fail = (code: string) => {
      if (!response?.complete) settle({ ok: false, code })
    }
    const options = {
      host: '127.0.0.1',
      port: server.port,
      path,
      agent: false as const,
      headers: { host: `${HOST}:${server.port}` },
    }
    const onResponse = (res: IncomingMessage) => {
      response = res
      res.on('data', (c: Buffer) => chunks.push(c))
      // A body cut short ends with complete === false, or with 'aborted' and an error, never as complete.
      res.on('end', () =>
        res.complete
          ? settle({ ok: true, status: res.statusCode ?? 0, body: Buffer.concat(chunks) })
          : fail('INCOMPLETE'),
      )
      res.on('aborted', () => fail('ABORTED'))
      res.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message))
      res.on('close', () => fail('INCOMPLETE'))
    }
    const req = server.secure
      ? https.request({ ...options, ca: [pki.rootPem], servername: HOST }, onResponse)
      : http.request(options, onResponse)
    req.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message))
    req.on('close', () => fail('CLOSED'))
    void deadline(server, path, stop.signal).then((stuck) => stuck && settle({ ok: false, code: 'HANG' }))
    req.end()
  })
}

/** Serve `raw` under two fresh paths and fetch it with both parsers at once. */
async function fetchBoth(
  server: ReplayServer,
  raw: Buffer,
  schedule: Schedule,
  seed: number,
  then: 'fin' | 'keep',
): Promise<{ ours: Outcome; llhttp: Outcome }> {
  const id = ++nextPath
  for (const side of ['ours', 'llhttp']) server.serve(`/${id}/${side}`, { response: raw, schedule, seed, then })
  const [ours, llhttp] = await Promise.all([viaPinpoint(server, `/${id}/ours`), viaLlhttp(server, `/${id}/llhttp`)])
  return { ours, llhttp }
}

function show(o: Outcome): string {
  if (!o.ok) return `error ${o.code}`
  const preview = o.body.toString('latin1', 0, 40)
  return `${o.status}, ${o.body.length} B ${JSON.stringify(preview)}${o.body.length > 40 ? '…' : ''}`
}

/** An outcome in one line, the body as its length and SHA-256, for comparing large bodies. */
function digest(o: Outcome): string {
  if (!o.ok) return `error ${o.code}`
  return `${o.status}, ${o.body.length} B, sha256 ${createHash('sha256').update(o.body).digest('hex')}`
}

/** Why the two outcomes are not acceptable for this case, or undefined when they are. */
function judge(name: string, ours: Outcome, llhttp: Outcome): string | undefined {
  if (!ours.ok && ours.code === 'HANG') return 'ours hung'
  if (!ours.ok && !OUR_REFUSALS.has(ours.code)) return 'ours failed with an error that is no refusal of a response'
  if (!llhttp.ok && !isLlhttpRefusal(llhttp.code)) return 'llhttp failed before HTTP began: the run proves nothing'
  const agree =
    ours.ok && llhttp.ok ? ours.status === llhttp.status && ours.body.equals(llhttp.body) : !ours.ok && !llhttp.ok
  const intended = INTENDED_DIFFERENCES[name]
  if (!intended) return agree ? undefined : 'ours and llhttp disagree'
  if (agree) return 'listed in INTENDED_DIFFERENCES, but agrees with llhttp: remove the entry'
  if ('refuse' in intended) {
    return !ours.ok && ours.code === intended.refuse ? undefined : `ours must refuse with ${intended.refuse}`
  }
  if ('accept' in intended) {
    const want = intended.accept
    const fine = ours.ok && ours.status === want.status && ours.body.equals(latin1(want.body))
    return fine ? undefined : `ours must accept: ${want.status}, ${JSON.stringify(want.body)}`
  }
  if (!llhttp.ok) return 'llhttp refused, so there is nothing to decode'
  let want: Buffer
  try {
    want = intended.decode(llhttp.body)
  } catch {
    return "llhttp's body does not decode"
  }
  const fine = ours.ok && ours.status === llhttp.status && ours.body.equals(want)
  return fine ? undefined : `ours must be llhttp's status with the decoded body (${want.length} B)`
}

/** A seed per case and run, so a failing run replays the same pieces and pauses. */
function seedOf(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32LE(0)
}

describe('the replay server', () => {
  /** Count the reads a client gets for `path` (one onread callback each), until the server's FIN. */
  async function readsOf(server: ReplayServer, path: string): Promise<{ reads: number; bytes: Buffer }> {
    const got: Buffer[] = []
    const buffer = Buffer.alloc(64 * 1024)
    const onread = { buffer, callback: (n: number) => got.push(Buffer.from(buffer.subarray(0, n))) > 0 }
    const where = { host: '127.0.0.1', port: server.port, onread }
    // tls.connect takes net's `onread` too, though @types/node's ConnectionOptions leaves it out.
    const tlsOptions: tls.ConnectionOptions & { onread: OnReadOpts } = { ...where, servername: HOST, ca: [pki.rootPem] }
    const socket = server.secure ? tls.connect(tlsOptions) : net.connect(where)
    socket.on('error', () => {})
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`)
    await once(socket, 'close')
    return { reads: got.length, bytes: Buffer.concat(got) }
  }

  it('delivers each piece of every schedule as a read of its own, over TCP and TLS', async () => {
    const raw = msg([OK, 'Content-Length: 5', 'X-Line: 1'], 'hello')
    const schedules: Schedule[] = ['whole', 'bytes', 'crlf', 'random', { cuts: [3, 20, raw.length - 1] }]
    for (const server of [plain, secure]) {
      for (const schedule of schedules) {
        const path = `/${++nextPath}/reads`
        server.serve(path, { response: raw, schedule, seed: 7, then: 'fin' })
        const { reads, bytes } = await readsOf(server, path)
        const label = `${server.secure ? 'tls' : 'tcp'} ${JSON.stringify(schedule)}`
        const planned = planPieces(raw, schedule, 7).pieces.length
        expect({ label, reads, bytes: bytes.toString('latin1') }).toEqual({
          label,
          reads: planned,
          bytes: raw.toString('latin1'),
        })
        expect(server.log.at(-1)).toEqual({ path, written: planned, planned, outcome: 'complete' })
      }
    }
  })

  it('leaves a connection open after the last piece when told to, until close() or the client ends it', async () => {
    const path = `/${++nextPath}/keep`
    plain.serve(path, { response: msg([OK, 'Content-Length: 2'], 'ok'), schedule: 'whole', then: 'keep' })
    const socket = net.connect({ host: '127.0.0.1', port: plain.port })
    socket.write(`GET ${path} HTTP/1.1\r\n\r\n`)
    const [first] = (await once(socket, 'data')) as [Buffer]
    expect(first.toString('latin1')).toMatch(/\r\n\r\nok$/)
    const closed = once(socket, 'close')
    const ended = await Promise.race([closed.then(() => 'closed'), delay(200).then(() => 'still open')])
    expect(ended).toBe('still open')
    socket.end()
    await closed
  })
})

describe.concurrent('differential: our response parsing against llhttp, through real sockets', () => {
  // Every side settles by CAP_MS at the latest, so this timeout only bounds a run far slower than any seen.
  it.for(CASES)('$name', { timeout: 45_000 }, async (c, { expect }) => {
    const problems = await Promise.all(
      RUNS.map(async ({ secure: tls, schedule }) => {
        const label = `${tls ? 'tls' : 'tcp'} ${typeof schedule === 'string' ? schedule : 'cuts'}`
        const seed = seedOf(`${c.name} ${label}`)
        const { ours, llhttp } = await fetchBoth(tls ? secure : plain, c.raw, schedule, seed, c.then ?? 'fin')
        const why = judge(c.name, ours, llhttp)
        return why && `${label} (seed ${seed}): ${why}; ours: ${show(ours)}; llhttp: ${show(llhttp)}`
      }),
    )
    expect(problems.filter(Boolean)).toEqual([])
  })
})

describe('differential: split points', () => {
  it('a head cut in two at any offset, the CRLF CRLF included, reads as in one piece', async () => {
    const raw = msg([OK, 'Content-Length: 5'], 'hello')
    const problems = await Promise.all(
      Array.from({ length: raw.length - 1 }, async (_, k) => {
        const { ours, llhttp } = await fetchBoth(plain, raw, { cuts: [k + 1] }, 1, 'keep')
        const why = judge('split', ours, llhttp) ?? (ours.ok ? undefined : 'both refused a valid response')
        return why && `cut at ${k + 1}: ${why}; ours: ${show(ours)}; llhttp: ${show(llhttp)}`
      }),
    )
    expect(problems.filter(Boolean)).toEqual([])
  })
})

describe('differential: valid responses (property)', () => {
  const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/)
  const value = fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/)
  const header = fc.tuple(token, value)

  it('gives our body exactly as llhttp reads it, however the response is framed and cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          status: fc.constantFrom(200, 206),
          headers: fc.array(header, { maxLength: 8 }),
          framing: fc.constantFrom('length', 'chunked', 'close'),
          // Empty and one-byte bodies are edges of their own, so they come up often, not by luck.
          bodyLength: fc.oneof(fc.constantFrom(0, 1), fc.nat(64 * 1024), fc.nat(64 * 1024)),
          bodySeed: fc.nat(),
          chunkCuts: fc.array(fc.nat(), { maxLength: 12 }),
          extensions: fc.boolean(),
          trailers: fc.array(header, { maxLength: 3 }),
          keepOpen: fc.boolean(),
          tls: fc.boolean(),
          headCuts: fc.array(fc.nat(), { maxLength: 6 }),
          bodyCuts: fc.array(fc.nat(), { maxLength: 10 }),
        }),
        async (r) => {
          const body = createHash('shake256', { outputLength: r.bodyLength }).update(String(r.bodySeed)).digest()
          const lines = [`HTTP/1.1 ${r.status} Fine`, ...r.headers.map(([n, v]) => `x-${n}: ${v}`)]
          let payload: Buffer = body
          if (r.framing === 'length') lines.push(`Content-Length: ${body.length}`)
          if (r.framing === 'chunked') {
            lines.push(TE_CHUNKED)
            const at = [...new Set(r.chunkCuts.map((k) => k % (body.length + 1)))].sort((a, b) => a - b)
            const parts = [0, ...at, body.length]
              .slice(1)
              .map((end, k, ends) => body.subarray(k === 0 ? 0 : ends[k - 1], end))
              .filter((p) => p.length > 0)
            const ext = (k: number) => (r.extensions ? `;e${k}=v${k}` : '')
            payload = Buffer.concat([
              ...parts.flatMap((p, k) => [latin1(`${p.length.toString(16)}${ext(k)}${CRLF}`), p, latin1(CRLF)]),
              latin1(
                `0${ext(parts.length)}${CRLF}${r.trailers.map(([n, v]) => `x-t-${n}: ${v}${CRLF}`).join('')}${CRLF}`,
              ),
            ])
          }
          const raw = msg(lines, payload)
          const headLength = raw.length - payload.length
          const cuts = [...r.headCuts.map((k) => k % headLength), ...r.bodyCuts.map((k) => k % raw.length)]
          const then = r.framing !== 'close' && r.keepOpen ? 'keep' : 'fin'
          const { ours, llhttp } = await fetchBoth(r.tls ? secure : plain, raw, { cuts }, 1, then)
          const want = digest({ ok: true, status: r.status, body })
          expect(digest(llhttp), 'llhttp reads the generated response').toBe(want)
          expect(digest(ours), 'ours reads it as llhttp does').toBe(want)
        },
      ),
      { numRuns: 40, interruptAfterTimeLimit: 25_000, markInterruptAsFailure: true },
    )
  }, 60_000)
})
