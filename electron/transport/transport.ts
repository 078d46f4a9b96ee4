import { isIP } from 'node:net'
import type { Duplex } from 'node:stream'

import type { HostRule } from '../../shared/domain.ts'
import { systemDns, type DnsChoice } from '../../shared/dns.ts'
import type { ConnectionProfile } from '../../shared/profile.ts'
import { byRanking, candidatesFor, preferAddress, systemLookup, type Lookup, type LookupAnswer } from './candidates.ts'
import { attemptOne, type AttemptEnv, type ForwardProxy, type Won } from './connect-attempt.ts'
import type { AttemptRecord, ConnectionInfo } from './connection-info.ts'
import { keyOf, poolKeyOf } from './connection-key.ts'
import { attemptRecord, infoOf, proxyInfo, roundMs } from './connection-record.ts'
import { createResolver } from './doh/resolver.ts'
import { IdlePool } from './idle-pool.ts'
import { createNat64, type Nat64 } from './nat64.ts'
import { race } from './race.ts'
import type { ReadRelay } from './read-relay.ts'
import { targetFor, type Target } from './target.ts'
import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'
import { mostTelling } from './node-errors.ts'
import { attachRefusedConnection, refusedHandshake } from './refused.ts'
import type { LogList } from './ct/log-list.ts'
import { proxyLabel, resolveProxy, type ResolvedProxy } from '../../shared/proxy.ts'
import { redactUrl } from '../../shared/redact-url.ts'
import { throughRoutes, type FailedProxy } from './proxy-failover.ts'
import { proxyFor, resolvesNames } from './proxy-route.ts'
import type { ProxyLookup } from './proxy-setting.ts'
import { anchorsFor } from './trust-anchors.ts'

export interface TransportConfig {
  /** The host rules in force; read at every connect, so a changed rule applies to the next connection. */
  rules: () => readonly HostRule[]
  /** Trust anchors for every host, replacing the bundled roots (curl's `--cacert`); read at every connect. */
  ca?: string[] | (() => string[] | undefined)
  lookup?: Lookup
  /** The resolver in force when neither the download nor the host's rule names one (the app's setting). */
  dns?: () => DnsChoice | undefined
  /** Seconds-bounded cache and timeouts for DoH; one per transport. */
  dohTimeoutMs?: number
  /** IPv4 addresses without an IPv4 route, synthesized under the network's NAT64 prefix (see nat64.ts). */
  nat64?: Nat64
  /** A host's measured nodes, best first, while the measurement is fresh: candidates are tried in that order. */
  ranking?: (host: string, port: number) => readonly string[] | undefined
  /** RFC 8305's "Connection Attempt Delay". */
  staggerMs?: number
  /** Per address: TCP connect plus TLS handshake. */
  connectTimeoutMs?: number
  onConnection?: (info: ConnectionInfo) => void
  now?: () => Date
  /** How long a connection whose response ended cleanly waits for the next request to the same place; 0: never. */
  keepAliveMs?: number
  /**
   * How long a response head may take in all, from the request (1xx responses included), and likewise a
   * trailer section: a server dripping one byte per idle period must not hold a request for ever.
   */
  headTimeoutMs?: number
  /** The Certificate Transparency log list in force (see ct/log-list-store.ts); read at every TLS connect. */
  ctLogList?: () => LogList | undefined
  /**
   * The proxy where neither the download nor its host's rule names one (the app's setting, the environment);
   * undefined: direct; a list: tried in order while its proxies cannot be reached. Asked at every new
   * connection, so a changed setting applies to the next one.
   */
  proxy?: ProxyLookup
}

export interface Connection {
  socket: Duplex
  /** The socket's reads: attach to it to read, since the socket emits no 'data' events. */
  relay: ReadRelay
  info: ConnectionInfo
  target: Target
  /** Taken from the idle pool: its server may have closed it just now, so a request that got no answer on it
   * may be sent once more on a fresh connection. */
  reused: boolean
  /** Everything that made this connection acceptable; a released connection is only reused under the same key. */
  key: string
  /**
   * Set for a connection to an HTTP proxy that carries plain http:// requests itself: each goes in absolute form
   * to `origin` (scheme, the address asked for, port), with the proxy's credentials when it has some.
   */
  forward?: ForwardProxy
}

/** How one request connects: `fresh` skips the idle pool; `profile` is the download's own rules and anchors. */
export interface ConnectOptions {
  fresh?: boolean
  profile?: ConnectionProfile | undefined
  /** ALPN protocols to offer over TLS, in order (default: only http/1.1, so N ranges stay N connections). */
  alpn?: readonly string[]
  /** The resolver for this connection, over every other choice (a DoH server's own name uses the system's). */
  dns?: DnsChoice
  /** The node to try first: the one this download used last, so a resume goes back to the same server. */
  prefer?: string
}

export interface Transport {
  target(url: URL, profile?: ConnectionProfile): Target
  /** A verified connection for `url`: an idle one made under the same rules, unless `fresh`, else a new one. */
  connect(url: URL, signal?: AbortSignal, opts?: ConnectOptions): Promise<Connection>
  /** Hand back a connection whose last response ended cleanly, for the next request to the same place. */
  release(conn: Connection): void
  /** The time budget of a response head, and of a trailer section. */
  readonly headTimeoutMs: number
  /** Every address of `host` by the resolver `dns` names (for comparing resolvers; connect resolves by itself). */
  resolve?(host: string, dns: DnsChoice, signal?: AbortSignal, profile?: ConnectionProfile): Promise<LookupAnswer[]>
}

/** Failures that say something about the server itself, so trying another address would only hide them. */
const FATAL = new Set([
  'PIN_MISMATCH',
  'TLS_NAME_MISMATCH',
  'TLS_EXPIRED',
  'TLS_NOT_YET_VALID',
  'TLS_UNTRUSTED',
  'CT_FAILED',
  'PROXY_AUTH_REQUIRED',
])

export function createTransport(config: TransportConfig): Transport {
  const lookup = config.lookup ?? systemLookup
  const staggerMs = config.staggerMs ?? 250
  const timeoutMs = config.connectTimeoutMs ?? 10_000
  const now = config.now ?? (() => new Date())
  // The node that answered last per host:port, so later segments and resumes go to the same server.
  const winners = new Map<string, string>()
  const keepAliveMs = config.keepAliveMs ?? 2000
  const pool = new IdlePool({ idleMs: keepAliveMs, maxPerKey: 16 })
  const nat64 = config.nat64 ?? createNat64()
  const resolver = createResolver({
    // A DoH server's own name goes to the system resolver (or its rule's addresses): never to DoH itself.
    transport: (profile) => ({
      ...self,
      target: (url) => targetFor(url, config.rules(), profile),
      connect: (url, signal, o) => connect(url, signal, { ...o, profile, dns: systemDns }),
    }),
    keyFor: (url, profile) => {
      const target = targetFor(url, config.rules(), profile)
      return keyOf(target, caFor(target.rule, profile), undefined)
    },
    system: lookup,
    ...(config.dohTimeoutMs === undefined ? {} : { timeoutMs: config.dohTimeoutMs }),
  })

  const caFor = (rule: HostRule | undefined, profile: ConnectionProfile | undefined): string[] | undefined =>
    anchorsFor(config.ca, rule, profile)
  const attemptEnv: AttemptEnv = { timeoutMs, ctLogList: () => config.ctLogList?.(), now }

  async function connect(url: URL, signal?: AbortSignal, opts?: ConnectOptions): Promise<Connection> {
    const target = targetFor(url, config.rules(), opts?.profile)
    const ca = target.secure ? caFor(target.rule, opts?.profile) : undefined
    const local = [...(opts?.profile?.ca ?? []), ...(target.rule?.ca ? [target.rule.ca] : [])]
    const ranking = config.ranking?.(target.host, target.port)
    const wanted = opts?.prefer ?? ranking?.[0]
    const routes = await proxyFor(target, opts?.profile, config.proxy)
    const poolKey = poolKeyOf(target, ca, opts?.alpn, wanted, routes)
    const idle = opts?.fresh ? undefined : await pool.take(poolKey)
    if (idle) {
      const reused = { ...idle, info: { ...idle.info, url: redactUrl(url) }, target, reused: true }
      config.onConnection?.(reused.info)
      return reused
    }
    return throughRoutes(
      routes,
      signal,
      (s) => proxyLabel(resolveProxy(s)),
      (server, failed) =>
        connectVia(url, target, signal, opts, { ca, local, ranking, poolKey, failed }, server && resolveProxy(server)),
    )
  }

  /** A new connection for `url`, through `proxy` or directly, once the idle pool had none. */
  async function connectVia(
    url: URL,
    target: Target,
    signal: AbortSignal | undefined,
    opts: ConnectOptions | undefined,
    at: {
      ca: string[] | undefined
      local: string[]
      ranking: readonly string[] | undefined
      poolKey: string
      failed: readonly FailedProxy[]
    },
    proxy: ResolvedProxy | undefined,
  ): Promise<Connection> {
    const { ca, local, ranking, poolKey } = at
    const failedProxies = at.failed.length > 0 ? { failedProxies: [...at.failed] } : {}
    const key = `${target.host}:${target.port}`
    const dns = opts?.dns ?? opts?.profile?.dns ?? target.rule?.dns ?? config.dns?.() ?? systemDns
    const resolve: Lookup = (host) => resolver.resolve(host, dns, signal, opts?.profile)
    const ranked = byRanking(
      proxy && resolvesNames(proxy) && !target.rule?.addresses.length && !isIP(target.host)
        ? [{ address: target.host, family: 4, source: 'proxy' }]
        : await candidatesFor(target.host, target.rule, resolve),
      ranking,
    )
    // The download's own node first (a resume goes back to it); else a fresh measurement's best; else the node
    // that answered last for this host.
    const candidates = preferAddress(ranked, opts?.prefer ?? (ranking?.length ? undefined : winners.get(key)))
    const records: AttemptRecord[] = []
    const t0 = performance.now()

    const attempts = candidates.map((c) => async (attemptSignal: AbortSignal) => {
      // Through a proxy the proxy reaches the address: our own routes (and NAT64) are not what count.
      const mapped = proxy ? { address: c.address } : await nat64.map(c.address)
      const record = attemptRecord(c, mapped, target.port, roundMs(performance.now() - t0))
      records.push(record)
      const both = signal ? AbortSignal.any([signal, attemptSignal]) : attemptSignal
      try {
        const result = await attemptOne(
          target,
          { ...c, address: mapped.address },
          ca,
          both,
          opts?.alpn,
          proxy,
          local,
          attemptEnv,
        )
        record.outcome = 'won'
        record.elapsedMs = roundMs(performance.now() - t0 - record.startedMs)
        return result
      } catch (err) {
        if (!attemptSignal.aborted || signal?.aborted) {
          record.outcome = 'failed'
          record.elapsedMs = roundMs(performance.now() - t0 - record.startedMs)
          if (isPinpointError(err)) record.error = { code: err.code, message: err.message }
        }
        throw err
      }
    })

    let won: Won
    try {
      won = (
        await race(attempts, {
          staggerMs,
          isFatal: (err: unknown) => isPinpointError(err) && FATAL.has(err.code),
          dispose: (value) => (value as Won).socket.destroy(),
        })
      ).value
    } catch (err) {
      if (signal?.aborted) throw new PinpointError('CONNECT_FAILED', `connection to ${target.host} canceled`)
      const errors = err instanceof AggregateError ? err.errors : [err]
      const best = mostTelling(errors.filter(isPinpointError))
      if (!best) throw err
      if (candidates.length > 1 && !FATAL.has(best.code)) {
        best.message = `${best.message} (tried ${candidates.map((c) => c.address).join(', ')})`
      }
      const handshake = refusedHandshake(best)
      if (handshake && best.context.address !== undefined) {
        const address = best.context.address
        const info = {
          ...infoOf(url, target, address, handshake, records, now()),
          ...(proxy ? { proxy: proxyInfo(proxy, address, target.port, 'tunnel' as const) } : {}),
          ...failedProxies,
        }
        attachRefusedConnection(best, { ...info, refused: { code: best.code, message: best.message } })
      }
      throw Object.assign(best, { attempts: records })
    }
    // The node as the candidates name it: an address synthesized for NAT64 is remembered by its IPv4 original.
    const wonRecord = records.find((r) => r.outcome === 'won')
    winners.set(key, wonRecord?.nat64?.from ?? won.address)
    const info = {
      ...infoOf(url, target, won.address, won, records, now()),
      ...(proxy ? { proxy: proxyInfo(proxy, won.address, target.port, won.forward ? 'forward' : 'tunnel') } : {}),
      ...failedProxies,
    }
    config.onConnection?.(info)
    return {
      socket: won.socket,
      relay: won.relay,
      info,
      target,
      reused: false,
      key: poolKey,
      ...(won.forward ? { forward: won.forward } : {}),
    }
  }

  const self: Transport = {
    target: (url, profile) => targetFor(url, config.rules(), profile),
    connect,
    release: (conn) => (keepAliveMs > 0 ? pool.put(conn.key, conn) : conn.socket.destroy()),
    headTimeoutMs: config.headTimeoutMs ?? 60_000,
    resolve: (host, dns, signal, profile) => resolver.resolve(host, dns, signal, profile),
  }
  return self
}
