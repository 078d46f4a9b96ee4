import { createHash, createPublicKey, type KeyObject } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { isIP } from 'node:net'

import { DnsMode, DohUrl, systemDns, type DnsChoice } from '../../shared/dns.ts'
import { HostRule, type HostRuleInput } from '../../shared/domain.ts'
import type { ConnectionProfile } from '../../shared/profile.ts'
import { checkDownloadUrl } from '../../shared/links.ts'
import { parsePins } from '../../shared/pins.ts'
import { normalizeHost } from '../transport/host-rules.ts'
import { PinpointError } from '../../shared/pinpoint-error.ts'
import { CtMode, CtPolicy } from '../../shared/ct.ts'
import { ProxyServer, redactProxyUrl, type ProxyChoice } from '../../shared/proxy.ts'
import { serverFromUrl } from '../transport/proxy-setting.ts'
import { unreadable } from './unreadable.ts'

/** The connection flags shared by `get` and `probe`, as commander hands them over. */
export interface ConnectFlags {
  resolve?: string[]
  sni?: string
  pinnedpubkey?: string
  trust?: string
  cacert?: string
  connectTimeout?: string
  dohUrl?: string
  dnsMode?: string
  ct?: string
  ctPolicy?: string
  proxy?: string
  noproxy?: string
  proxyUser?: string
  proxyCacert?: string
  proxyPinnedpubkey?: string
}

export interface ConnectSetup {
  rules: HostRule[]
  ca: string[] | undefined
  connectTimeoutMs: number | undefined
  /** The resolver the run asked for; undefined: the host rules' or the app's. */
  dns: DnsChoice | undefined
  /** `-x`: the run's proxy (`direct` for `-x ""`); undefined: the saved setting or the environment. */
  proxy?: ProxyChoice
  /** `--noproxy`: hosts this run reaches directly. */
  noProxy?: string
}

/**
 * Turn curl-style flags into host rules.
 *
 * `--resolve` entries become address rules for their host:port. `--sni`, `--pinnedpubkey` and `--trust` are
 * about the URL the user named, so they go into a rule for that URL's host and port, merged with its
 * `--resolve` addresses. Every mistake is a `BAD_INPUT`/`BAD_PIN` (exit 2) naming the flag.
 */
export async function connectSetup(flags: ConnectFlags, urls: URL[]): Promise<ConnectSetup> {
  const resolved = (flags.resolve ?? []).map(parseResolve)
  const rules: HostRuleInput[] = resolved.map((r) => ({
    pattern: r.host,
    addresses: r.addresses,
    ...(r.port === undefined ? {} : { port: r.port }),
  }))

  if (flags.sni !== undefined || flags.pinnedpubkey !== undefined || flags.trust !== undefined) {
    const pins = flags.pinnedpubkey === undefined ? [] : await pinsOf('--pinnedpubkey', flags.pinnedpubkey)
    const trust = parseTrust(flags.trust)
    if (trust === 'pin' && pins.length === 0) {
      throw new PinpointError('BAD_INPUT', '--trust pin needs --pinnedpubkey: the server key must match a pin')
    }
    for (const url of urls) {
      const host = normalizeHost(url.hostname)
      if (flags.sni !== undefined && !isIP(host)) {
        throw new PinpointError(
          'BAD_INPUT',
          `--sni is for IP-address URLs; ${host} is a name already (to pick its address, use --resolve ${host}:PORT:ADDR)`,
        )
      }
      const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80
      const mine = rules.find((r) => r.pattern === host && (r.port === undefined || r.port === port))
      const extra = {
        ...(flags.sni === undefined ? {} : { sni: flags.sni }),
        pins,
        trust,
      }
      if (mine) Object.assign(mine, extra)
      else rules.push({ pattern: host, port, ...extra })
    }
  }

  if (flags.ct !== undefined || flags.ctPolicy !== undefined) {
    const extra = ctFlags(flags.ct, flags.ctPolicy)
    for (const url of urls) {
      const host = normalizeHost(url.hostname)
      const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80
      const mine = rules.find((r) => r.pattern === host && (r.port === undefined || r.port === port))
      if (mine) Object.assign(mine, extra)
      else rules.push({ pattern: host, port, ...extra })
    }
  }

  const parsed: HostRule[] = []
  for (const input of rules) {
    const r = HostRule.safeParse(input)
    if (!r.success) {
      const issue = r.error.issues[0]
      const field = issue?.path.join('.') || 'rule'
      throw new PinpointError('BAD_INPUT', `bad option for ${input.pattern}: ${field}: ${issue?.message}`)
    }
    parsed.push(r.data)
  }
  return {
    rules: parsed,
    ca: flags.cacert === undefined ? undefined : [await readCa(flags.cacert)],
    connectTimeoutMs: parseTimeout(flags.connectTimeout),
    dns: parseDns(flags.dohUrl, flags.dnsMode),
    ...(await proxyOf(flags)),
  }
}

/**
 * curl's `-x URL` (`-x ""`: no proxy at all), `--noproxy LIST`, `--proxy-user USER:PASS`, `--proxy-cacert FILE`
 * and `--proxy-pinnedpubkey PINS`. The last three describe the `-x` proxy, so they need it: the environment's
 * proxy is the machine's, not the download's.
 */
async function proxyOf(flags: ConnectFlags): Promise<{ proxy?: ProxyChoice; noProxy?: string }> {
  const noProxy = flags.noproxy === undefined ? {} : { noProxy: flags.noproxy }
  const about = flags.proxyUser ?? flags.proxyCacert ?? flags.proxyPinnedpubkey
  if (flags.proxy === undefined) {
    if (about !== undefined) {
      throw new PinpointError('BAD_INPUT', '--proxy-user, --proxy-cacert and --proxy-pinnedpubkey need -x/--proxy URL')
    }
    return noProxy
  }
  if (flags.proxy.trim() === '') return { proxy: 'direct', ...noProxy }
  let server = serverFromUrl(flags.proxy, `-x "${redactProxyUrl(flags.proxy)}"`)
  if (flags.proxyUser !== undefined) {
    const at = flags.proxyUser.indexOf(':')
    const user = at === -1 ? flags.proxyUser : flags.proxyUser.slice(0, at)
    server = { ...server, user, ...(at === -1 ? {} : { password: flags.proxyUser.slice(at + 1) }) }
  }
  if (flags.proxyCacert !== undefined) server = { ...server, ca: await readCa(flags.proxyCacert, '--proxy-cacert') }
  if (flags.proxyPinnedpubkey !== undefined) {
    server = { ...server, pins: await pinsOf('--proxy-pinnedpubkey', flags.proxyPinnedpubkey) }
  }
  const checked = ProxyServer.safeParse(server)
  if (!checked.success) throw new PinpointError('BAD_INPUT', `-x: ${checked.error.issues[0]?.message}`)
  return { proxy: checked.data, ...noProxy }
}

/**
 * curl's `--doh-url URL` alone means DoH only (curl never falls back either); `--dns-mode` picks another mode.
 * A DoH mode needs a DoH URL, and the system mode takes none, so neither half is ever silently ignored.
 */
export function parseDns(dohUrl: string | undefined, mode: string | undefined): DnsChoice | undefined {
  if (dohUrl === undefined && mode === undefined) return undefined
  const parsedMode = DnsMode.safeParse(mode ?? 'doh')
  if (!parsedMode.success) {
    throw new PinpointError('BAD_INPUT', `--dns-mode "${mode}": expected system, doh or doh-fallback`)
  }
  if (parsedMode.data === 'system') {
    if (dohUrl !== undefined) throw new PinpointError('BAD_INPUT', '--dns-mode system takes no --doh-url')
    return systemDns
  }
  if (dohUrl === undefined) throw new PinpointError('BAD_INPUT', `--dns-mode ${parsedMode.data} needs --doh-url URL`)
  const url = DohUrl.safeParse(dohUrl)
  if (!url.success) throw new PinpointError('BAD_INPUT', `--doh-url "${dohUrl}": expected an https URL`)
  return { mode: parsedMode.data, dohUrl: url.data }
}

interface ResolveEntry {
  host: string
  port: number | undefined
  addresses: string[]
}

/** curl's `--resolve host:port:addr[,addr]…`; IPv6 addresses may be bracketed, port may be `*`. */
export function parseResolve(text: string): ResolveEntry {
  const m = /^\+?([^:[\]]+):(\d+|\*):(.+)$/.exec(text.trim())
  if (!m) throw new PinpointError('BAD_INPUT', `--resolve "${text}": expected HOST:PORT:ADDRESS[,ADDRESS]…`)
  const [, host = '', portText = '', list = ''] = m
  if (host.trim() === '*') {
    throw new PinpointError(
      'BAD_INPUT',
      `--resolve "${text}": a host of * (every host) is not supported: name the host, as in HOST:${portText}:${list}`,
    )
  }
  const port = portText === '*' ? undefined : Number(portText)
  if (port !== undefined && (port < 1 || port > 65535)) {
    throw new PinpointError('BAD_INPUT', `--resolve "${text}": port ${portText} is out of range`)
  }
  const addresses = list.split(',').map((a) => a.trim().replace(/^\[(.*)\]$/, '$1'))
  for (const a of addresses) {
    if (!isIP(a)) throw new PinpointError('BAD_INPUT', `--resolve "${text}": "${a}" is not an IP address`)
  }
  return { host: normalizeHost(host), port, addresses }
}

/**
 * curl's `--pinnedpubkey` (and `--proxy-pinnedpubkey`): `sha256//BASE64[;sha256//BASE64]…`, or else the path of a
 * file holding one public key, PEM or DER (or a PEM certificate), pinned by the SHA-256 of its DER
 * SubjectPublicKeyInfo, as the hashes are.
 */
async function pinsOf(flag: string, text: string): Promise<string[]> {
  const parsed = parsePins(text)
  if (parsed.ok) return parsed.pins
  if (/^\s*sha256\/\//i.test(text) || text.includes(';')) throw new PinpointError('BAD_PIN', `${flag}: ${parsed.error}`)
  let bytes: Buffer
  try {
    bytes = await readFile(text)
  } catch (err) {
    throw new PinpointError(
      'BAD_PIN',
      `${flag} ${text}: ${unreadable(err)} (a pin is sha256//BASE64, or a public key file)`,
    )
  }
  const key = publicKeyIn(bytes)
  if (!key) throw new PinpointError('BAD_PIN', `${flag} ${text}: not a public key in PEM or DER form`)
  return [
    createHash('sha256')
      .update(key.export({ type: 'spki', format: 'der' }))
      .digest('base64'),
  ]
}

/** The public key a PEM file (a public key or a certificate) or a DER SubjectPublicKeyInfo holds; never a private key's. */
function publicKeyIn(bytes: Buffer): KeyObject | undefined {
  const text = bytes.toString('latin1')
  if (text.includes('-----BEGIN')) {
    if (text.includes('PRIVATE KEY-----')) return undefined
    try {
      return createPublicKey(text)
    } catch {
      return undefined
    }
  }
  try {
    return createPublicKey({ key: bytes, format: 'der', type: 'spki' })
  } catch {
    return undefined
  }
}

/** `--ct` and `--ct-policy` as the fields of a host rule. */
function ctFlags(mode: string | undefined, policy: string | undefined): Pick<HostRuleInput, 'ct' | 'ctPolicy'> {
  const ct = mode === undefined ? undefined : CtMode.safeParse(mode)
  if (ct && !ct.success) throw new PinpointError('BAD_INPUT', `--ct must be report or enforce, not ${mode}`)
  const p = policy === undefined ? undefined : CtPolicy.safeParse(policy)
  if (p && !p.success)
    throw new PinpointError('BAD_INPUT', `--ct-policy must be two-operators or chrome, not ${policy}`)
  return { ...(ct ? { ct: ct.data } : {}), ...(p ? { ctPolicy: p.data } : {}) }
}

function parseTrust(text: string | undefined): 'ca' | 'pin' {
  if (text === undefined || text === 'ca' || text === 'pin') return text ?? 'ca'
  throw new PinpointError('BAD_INPUT', `--trust "${text}": expected "ca" or "pin"`)
}

function parseTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const s = Number(text)
  if (!Number.isFinite(s) || s <= 0)
    throw new PinpointError('BAD_INPUT', `--connect-timeout "${text}": expected seconds > 0`)
  return Math.round(s * 1000)
}

async function readCa(path: string, flag = '--cacert'): Promise<string> {
  let pem: string
  try {
    pem = await readFile(path, 'utf8')
  } catch (err) {
    throw new PinpointError('BAD_INPUT', `${flag} ${path}: ${unreadable(err)}`)
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new PinpointError('BAD_INPUT', `${flag} ${path}: no PEM certificate in the file`)
  }
  return pem
}

/** A URL the user typed: the same rule as the app's forms (shared/links.ts), failing as BAD_URL (exit 2). */
export function parseUrl(text: string): URL {
  const checked = checkDownloadUrl(text)
  if (!checked.ok) throw new PinpointError('BAD_URL', `"${text}": ${checked.reason}`)
  return new URL(checked.url)
}

/** The connection profile a run's flags give each download it starts; undefined when they give none. */
export function profileOf(setup: ConnectSetup): ConnectionProfile | undefined {
  if (setup.rules.length === 0 && !setup.ca && !setup.dns && !setup.proxy && !setup.noProxy) return undefined
  return {
    rules: setup.rules,
    ...(setup.ca ? { ca: setup.ca } : {}),
    ...(setup.dns ? { dns: setup.dns } : {}),
    ...(setup.proxy ? { proxy: setup.proxy } : {}),
    ...(setup.noProxy ? { noProxy: setup.noProxy } : {}),
  }
}
