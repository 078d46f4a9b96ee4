import { exitCodeFor, type ErrorCode } from '../../shared/errors.ts'
import { splitCredentials } from '../../shared/url-credentials.ts'
import { probe, type ProbeReport } from '../transport/probe.ts'
import { createTransport } from '../transport/transport.ts'
import { connectSetup, parseUrl, type ConnectFlags, type ConnectSetup } from './connect-options.ts'
import { noProxyMatches } from '../../shared/no-proxy.ts'
import { envProxy, type ProxyLookup } from '../transport/proxy-setting.ts'
import type { CliIo } from './io.ts'
import { logListLoader } from '../transport/ct/log-list-store.ts'
import { stateDirOf } from './open-engine.ts'
import { requestSetup, type RequestFlags, type RequestSetup } from './request-options.ts'
import { headersFor, requestExtras } from '../engine/request-extras.ts'
import { httpStatusError } from '../engine/first-response.ts'
import { httpRequest } from '../transport/http-request.ts'
import type { Transport } from '../transport/transport.ts'
import { isPinpointError } from '../../shared/pinpoint-error.ts'

/**
 * `pinpoint probe`: exit 0 when the server verifies (and a pin matches, when pins are given), else its code.
 * With request flags (`-u`, `-H`, `-b`, `--oauth2-bearer`, `-e`, `-A`) it also sends one HEAD with them, as
 * `get` would send its first request, and the answer counts: a 401 is AUTH_REQUIRED, another error status
 * HTTP_STATUS. Without them it sends no request at all.
 */
export async function probeCommand(
  urlText: string,
  flags: ConnectFlags & RequestFlags & { json?: boolean; stateDir?: string },
  io: CliIo,
): Promise<number> {
  // The URL's userinfo is not used here (-u is), and is not printed back.
  const url = new URL(splitCredentials(parseUrl(urlText).href).url)
  const setup = await connectSetup(flags, [url])
  const asks = hasRequestFlags(flags) ? await requestSetup(flags, io) : undefined
  const transport = createTransport({
    rules: () => setup.rules,
    ...(setup.ca ? { ca: setup.ca } : {}),
    ...(setup.connectTimeoutMs ? { connectTimeoutMs: setup.connectTimeoutMs } : {}),
    ...(setup.dns ? { dns: () => setup.dns } : {}),
    ctLogList: logListLoader(stateDirOf(flags, io)),
    proxy: runProxy(setup, io.env),
  })
  const probed = await probe(transport, url, setup.connectTimeoutMs ?? 10_000)
  const report = asks && !probed.error ? { ...probed, ...(await headRequest(transport, url, asks)) } : probed
  if (flags.json) io.stdout(`${JSON.stringify(report)}\n`)
  else io.stdout(`${formatProbe(report)}\n`)
  if (report.error) {
    io.stderr(`pinpoint: ${report.error.message}\n`)
    return exitCodeFor(report.error.code as ErrorCode)
  }
  return 0
}

/** Whether any of curl's request flags was given: only then does a probe send a request. */
export function hasRequestFlags(flags: RequestFlags): boolean {
  return (
    flags.user !== undefined ||
    flags.oauth2Bearer !== undefined ||
    (flags.header?.length ?? 0) > 0 ||
    flags.cookie !== undefined ||
    flags.referer !== undefined ||
    flags.userAgent !== undefined
  )
}

/**
 * One HEAD to `url` with the request flags' headers and secrets, built as a download's first request is (the
 * same RequestExtras), reporting the status and, for an error status, the error `get` would stop with.
 */
async function headRequest(
  transport: Transport,
  url: URL,
  asks: RequestSetup,
): Promise<{ http: { method: 'HEAD'; status: number | null }; error?: { code: string; message: string } }> {
  const extras = requestExtras(
    url.origin,
    { rules: [], ...(asks.headers ? { headers: asks.headers } : {}) },
    asks.secrets,
  )
  const sent = headersFor(url, extras, Date.now())
  try {
    const res = await httpRequest(transport, {
      url,
      method: 'HEAD',
      headers: sent.set,
      ...(sent.omit.length > 0 ? { omit: sent.omit } : {}),
    })
    await res.close()
    if (res.status >= 400) {
      const err = httpStatusError(res)
      return { http: { method: 'HEAD', status: res.status }, error: { code: err.code, message: err.message } }
    }
    return { http: { method: 'HEAD', status: res.status } }
  } catch (err) {
    if (!isPinpointError(err)) throw err
    return { http: { method: 'HEAD', status: null }, error: { code: err.code, message: err.message } }
  }
}

/** `-x` and `--noproxy` over the environment's proxy, as `get` applies them through a download's profile. */
function runProxy(setup: ConnectSetup, env: Record<string, string | undefined>): ProxyLookup {
  const fromEnv = envProxy(env)
  return (url) => {
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80
    if (setup.noProxy && noProxyMatches(setup.noProxy, url.hostname, port)) return undefined
    if (setup.proxy !== undefined) return setup.proxy === 'direct' ? undefined : setup.proxy
    return fromEnv(url)
  }
}

/** The human view of a probe. */
export function formatProbe(r: ProbeReport & { http?: { method: string; status: number | null } }): string {
  const lines: string[] = [r.url]
  for (const a of r.attempts) {
    const addr = a.address.includes(':') ? `[${a.address}]` : a.address
    const result = a.outcome === 'won' ? 'connected' : a.outcome === 'failed' ? `failed: ${a.error?.code}` : 'abandoned'
    lines.push(
      `  tried      ${addr}:${a.port} (${sourceText(a)}) at +${a.startedMs} ms, ${result} after ${a.elapsedMs ?? '?'} ms`,
    )
  }
  // Plain http has no handshake: nothing was presented, so nothing "failed to verify" either.
  const plain = r.url.startsWith('http:')
  lines.push(`  sni        ${r.servername ?? (plain ? '(none: plain http)' : '(none: IP address without --sni)')}`)
  lines.push(`  host       ${r.hostHeader}`)
  if (r.protocol) lines.push(`  tls        ${r.protocol} ${r.cipher ?? ''}${r.alpn ? `, ALPN ${r.alpn}` : ''}`)
  if (plain) lines.push('  tls        none: plain http, so nothing proves who answered')
  else lines.push(`  verified   ${r.verified ? 'yes' : `no (${r.verifyError ?? 'unknown'})`}`)
  if (r.pinned !== undefined) lines.push(`  pin        ${r.pinned ? 'matched' : 'MISMATCH'}`)
  if (r.ct) {
    lines.push(`  ct         ${r.ct.verdict} (${r.ct.mode}, ${r.ct.policy}): ${r.ct.reason}`)
    for (const s of r.ct.scts) {
      const log = s.log ? `${s.log} (${s.operator ?? '?'})` : `unknown log ${s.logId}`
      lines.push(`             sct ${log} ${s.timestamp} ${s.valid ? 'valid' : (s.error ?? 'not valid')}`)
    }
  }
  if (r.http) lines.push(`  http       ${r.http.method} ${r.http.status ?? '(no answer)'}`)
  if (r.error) lines.push(`  error      ${r.error.code}: ${r.error.message}`)
  r.chain.forEach((c, i) => {
    lines.push(`  cert ${i}     ${c.subject}`)
    lines.push(`             issuer ${c.issuer}`)
    lines.push(`             valid  ${c.validFrom} .. ${c.validTo}`)
    lines.push(`             pin    ${c.spki}`)
  })
  return lines.join('\n')
}

/** Where an address came from, naming the DoH server, or why the system resolver was asked instead. */
function sourceText(a: ProbeReport['attempts'][number]): string {
  const base =
    a.source === 'doh'
      ? `DoH ${a.server ?? ''}`.trim()
      : a.source === 'dns-fallback'
        ? `system resolver; DoH unreachable: ${a.note ?? ''}`
        : a.source
  return a.nat64 ? `${base}; NAT64 from ${a.nat64.from} via ${a.nat64.prefix}` : base
}
