import { formatPin } from '../../shared/pins.ts'
import type { AddressCheck, AddressVerdict, DnsCompareReport, ResolverAnswer } from '../../shared/dns-compare.ts'
import type { DnsChoice } from '../../shared/dns.ts'
import type { HostRule } from '../../shared/domain.ts'
import { isPinpointError } from '../../shared/pinpoint-error.ts'
import { redactUrl } from '../../shared/redact-url.ts'
import type { ConnectionProfile } from '../../shared/profile.ts'
import { PinpointError } from '../../shared/pinpoint-error.ts'
import { findRule, normalizeHost } from './host-rules.ts'
import type { Transport } from './transport.ts'

/**
 * Codes that mean the server answered TLS with something the name (or the host's pins, or its enforced
 * Certificate Transparency policy) does not accept.
 */
const WRONG_CERTIFICATE = new Set([
  'TLS_UNTRUSTED',
  'TLS_NAME_MISMATCH',
  'TLS_EXPIRED',
  'TLS_NOT_YET_VALID',
  'PIN_MISMATCH',
  'CT_FAILED',
])

/**
 * Ask the system resolver and a DoH server for `url`'s host, connect to every address of both answers, and
 * check each one's certificate for the name (and the host's pins, when its rule has them), all at once.
 *
 * The verdict is "likely hijack" only when an address that only the system resolver gave fails verification
 * while an address from DoH passes: that is a resolver sending us somewhere that cannot prove it is the host.
 * Both answer sets are reported either way.
 */
export async function compareDns(
  transport: Transport,
  url: URL,
  dohUrl: string,
  opts: { signal?: AbortSignal; profile?: ConnectionProfile } = {},
): Promise<DnsCompareReport> {
  if (!transport.resolve) throw new PinpointError('INTERNAL', 'this transport cannot resolve names by itself')
  if (url.protocol !== 'https:') {
    throw new PinpointError('BAD_URL', 'comparing resolvers needs an https URL: only a certificate proves the host')
  }
  const host = normalizeHost(url.hostname)
  const port = url.port ? Number(url.port) : 443
  const ask = async (name: string, choice: DnsChoice): Promise<ResolverAnswer> => {
    try {
      const answers = await transport.resolve?.(host, choice, opts.signal, opts.profile)
      return { resolver: name, addresses: [...new Set((answers ?? []).map((a) => a.address))] }
    } catch (err) {
      if (!isPinpointError(err)) throw err
      return { resolver: name, addresses: [], error: { code: err.code, message: err.message } }
    }
  }
  const [system, doh] = await Promise.all([ask('system', { mode: 'system' }), ask(dohUrl, { mode: 'doh', dohUrl })])
  const all = [...new Set([...system.addresses, ...doh.addresses])]
  const checks = await Promise.all(
    all.map(async (address): Promise<AddressCheck> => {
      const from = [
        ...(system.addresses.includes(address) ? (['system'] as const) : []),
        ...(doh.addresses.includes(address) ? (['doh'] as const) : []),
      ]
      return { address, from, ...(await check(transport, url, host, port, address, opts)) }
    }),
  )
  const { verdict, summary } = conclude(host, system, doh, checks)
  return { url: redactUrl(url), host, port, system, doh, checks, verdict, summary }
}

/** Connect to exactly `address` under the host's rules (pins included) and say what happened. */
async function check(
  transport: Transport,
  url: URL,
  host: string,
  port: number,
  address: string,
  opts: { signal?: AbortSignal; profile?: ConnectionProfile },
): Promise<{ verdict: AddressVerdict; detail?: string; pin?: string }> {
  // The download's own rule for the host (or an empty one) with only this address; what it leaves out (pins,
  // trust, SNI) still comes from the saved rule, so the host's pins are checked at every address.
  const own = opts.profile ? findRule(opts.profile.rules, host, port) : undefined
  const base: HostRule = own ?? { pattern: host, port, addresses: [], pins: [], pinMode: 'enforce', trust: 'ca' }
  const only: HostRule = { ...base, pattern: host, port, addresses: [address] }
  const rules = [only, ...(opts.profile?.rules ?? []).filter((r) => r !== own)]
  try {
    const conn = await transport.connect(url, opts.signal, {
      fresh: true,
      profile: { ...opts.profile, rules },
    })
    conn.socket.destroy()
    const leaf = conn.info.chain[0]?.spki
    return { verdict: 'verifies', ...(leaf ? { pin: formatPin(leaf) } : {}) }
  } catch (err) {
    if (!isPinpointError(err)) throw err
    const presented = (err.context.presentedPins as string[] | undefined)?.[0]
    const verdict: AddressVerdict = WRONG_CERTIFICATE.has(err.code)
      ? 'wrong-certificate'
      : err.code === 'CONNECT_REFUSED'
        ? 'refused'
        : err.code === 'CONNECT_TIMEOUT'
          ? 'timeout'
          : 'failed'
    return { verdict, detail: err.message, ...(presented ? { pin: formatPin(presented) } : {}) }
  }
}

function conclude(
  host: string,
  system: ResolverAnswer,
  doh: ResolverAnswer,
  checks: AddressCheck[],
): { verdict: DnsCompareReport['verdict']; summary: string } {
  const suspicious = checks.filter((c) => c.verdict === 'wrong-certificate' && !c.from.includes('doh'))
  const dohGood = checks.filter((c) => c.verdict === 'verifies' && c.from.includes('doh'))
  if (suspicious.length > 0 && dohGood.length > 0) {
    const list = suspicious.map((c) => c.address).join(', ')
    return {
      verdict: 'likely-hijack',
      summary: `likely hijack: the system resolver sent ${host} to ${list}, which cannot prove it is ${host}, while DoH's ${dohGood.map((c) => c.address).join(', ')} can`,
    }
  }
  if (system.error || doh.error) {
    // A resolver's failure is often an answer ("no such name"), so it is quoted, beside what the other one gave.
    const failures = [
      ...(system.error ? [`the system resolver: ${system.error.message}`] : []),
      ...(doh.error ? [`DoH: ${doh.error.message}`] : []),
    ]
    const good = checks.filter((c) => c.verdict === 'verifies')
    const proof =
      good.length > 0
        ? `${system.error ? "DoH's" : "the system resolver's"} ${good.map((c) => c.address).join(', ')} ${good.length > 1 ? 'verify' : 'verifies'} as ${host}`
        : `no address verifies as ${host}`
    return { verdict: 'inconclusive', summary: `inconclusive: ${failures.join('; ')}; ${proof}` }
  }
  if (checks.length > 0 && checks.every((c) => c.verdict === 'verifies')) {
    const same =
      system.addresses.length === doh.addresses.length && system.addresses.every((a) => doh.addresses.includes(a))
    return {
      verdict: 'consistent',
      summary: same
        ? `consistent: both resolvers give the same addresses, and every one verifies as ${host}`
        : `consistent: the answers differ (as a CDN's may), but every address verifies as ${host}`,
    }
  }
  return {
    verdict: 'inconclusive',
    summary: `inconclusive: not every address could be checked, and none points to a hijack`,
  }
}
