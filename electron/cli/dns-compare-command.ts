import { splitCredentials } from '../../shared/url-credentials.ts'
import type { DnsCompareReport } from '../../shared/dns-compare.ts'
import { PinpointError } from '../../shared/pinpoint-error.ts'
import { compareDns } from '../transport/dns-compare.ts'
import { createTransport } from '../transport/transport.ts'
import { connectSetup, parseUrl, profileOf, type ConnectFlags } from './connect-options.ts'
import type { CliIo } from './io.ts'

/** Exit codes: 0 every address verifies; 4 a likely hijack (a certificate that cannot prove the host); 3 else. */
const EXIT = { consistent: 0, 'likely-hijack': 4, inconclusive: 3 } as const

/** `pinpoint probe --dns-compare URL`: the system resolver against `--doh-url`, every address checked. */
export async function dnsCompareCommand(
  urlText: string,
  flags: ConnectFlags & { json?: boolean },
  io: CliIo,
): Promise<number> {
  const url = new URL(splitCredentials(parseUrl(urlText).href).url)
  const setup = await connectSetup(flags, [url])
  const dohUrl = setup.dns?.dohUrl
  if (dohUrl === undefined) throw new PinpointError('BAD_INPUT', '--dns-compare needs --doh-url URL to compare with')
  const transport = createTransport({
    rules: () => [],
    ...(setup.ca ? { ca: setup.ca } : {}),
    ...(setup.connectTimeoutMs ? { connectTimeoutMs: setup.connectTimeoutMs } : {}),
  })
  const profile = profileOf(setup)
  const report = await compareDns(transport, url, dohUrl, profile ? { profile } : {})
  io.stdout(flags.json ? `${JSON.stringify(report)}\n` : `${formatCompare(report)}\n`)
  return EXIT[report.verdict]
}

export function formatCompare(r: DnsCompareReport): string {
  const answer = (a: DnsCompareReport['system']) =>
    a.error ? `no answer (${a.error.message})` : a.addresses.join(', ') || 'no addresses'
  const lines = [
    `${r.host}:${r.port}`,
    `  system     ${answer(r.system)}`,
    `  DoH        ${answer(r.doh)}  (${r.doh.resolver})`,
  ]
  for (const c of r.checks) {
    const addr = c.address.includes(':') ? `[${c.address}]` : c.address
    const why = c.verdict === 'verifies' ? '' : `: ${c.detail ?? ''}`
    lines.push(`  ${addr.padEnd(40)} from ${c.from.join('+').padEnd(10)} ${c.verdict}${why}`)
  }
  lines.push(r.summary)
  return lines.join('\n')
}
