import type { Duplex } from 'node:stream'
import { rootCertificates } from 'node:tls'

import type { HostRule } from '../../shared/domain.ts'
import type { ConnectionProfile } from '../../shared/profile.ts'
import { candidatesFor, preferAddress, systemLookup, type Candidate, type Lookup } from './candidates.ts'
import type { AttemptRecord, ConnectionInfo } from './connection-info.ts'
import { IdlePool } from './idle-pool.ts'
import { anchorsKey } from './memo.ts'
import { race } from './race.ts'
import { ReadRelay } from './read-relay.ts'
import { targetFor, type Target } from './target.ts'
import { connectTcp } from './tcp-connect.ts'
import { connectTls, type TlsResult } from './tls-connect.ts'
import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'
import { mostTelling } from './node-errors.ts'
import { attachRefusedConnection, refusedHandshake, type RefusedHandshake } from './refused.ts'

export interface TransportConfig {
  /** The host rules in force; read at every connect, so a changed rule applies to the next connection. */
  rules: () => readonly HostRule[]
  /** Trust anchors for every host, replacing the bundled roots (curl's `--cacert`); read at every connect. */
  ca?: string[] | (() => string[] | undefined)
  lookup?: Lookup
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
}

/** The winning attempt: a TLS result, or the same shape for plain TCP with the TLS fields empty. */
type Won = Omit<TlsResult, 'socket'> & { socket: Duplex; address: string; relay: ReadRelay }

/** How one request connects: `fresh` skips the idle pool; `profile` is the download's own rules and anchors. */
export interface ConnectOptions {
  fresh?: boolean
  profile?: ConnectionProfile | undefined
}

export interface Transport {
  target(url: URL, profile?: ConnectionProfile): Target
  /** A verified connection for `url`: an idle one made under the same rules, unless `fresh`, else a new one. */
  connect(url: URL, signal?: AbortSignal, opts?: ConnectOptions): Promise<Connection>
  /** Hand back a connection whose last response ended cleanly, for the next request to the same place. */
  release(conn: Connection): void
  /** The time budget of a response head, and of a trailer section. */
  readonly headTimeoutMs: number
}

/** Failures that say something about the server itself, so trying another address would only hide them. */
const FATAL = new Set(['PIN_MISMATCH', 'TLS_NAME_MISMATCH', 'TLS_EXPIRED', 'TLS_NOT_YET_VALID', 'TLS_UNTRUSTED'])

export function createTransport(config: TransportConfig): Transport {
  const lookup = config.lookup ?? systemLookup
  const staggerMs = config.staggerMs ?? 250
  const timeoutMs = config.connectTimeoutMs ?? 10_000
  const now = config.now ?? (() => new Date())
  // The node that answered last per host:port, so later segments and resumes go to the same server.
  const winners = new Map<string, string>()
  const keepAliveMs = config.keepAliveMs ?? 2000
  const pool = new IdlePool({ idleMs: keepAliveMs, maxPerKey: 16 })

  /** The anchors for a connection: the download's own (curl's `--cacert`), else the transport's, plus the rule's. */
  const caFor = (rule: HostRule | undefined, profile: ConnectionProfile | undefined): string[] | undefined => {
    const base = profile?.ca ?? (typeof config.ca === 'function' ? config.ca() : config.ca)
    if (!rule?.ca) return base
    return [...(base ?? rootCertificates), rule.ca]
  }

  async function connect(url: URL, signal?: AbortSignal, opts?: ConnectOptions): Promise<Connection> {
    const target = targetFor(url, config.rules(), opts?.profile)
    const ca = target.secure ? caFor(target.rule, opts?.profile) : undefined
    const poolKey = keyOf(target, ca)
    const idle = opts?.fresh ? undefined : await pool.take(poolKey)
    if (idle) {
      const reused = { ...idle, info: { ...idle.info, url: url.href }, target, reused: true }
      config.onConnection?.(reused.info)
      return reused
    }
    const key = `${target.host}:${target.port}`
    const candidates = preferAddress(await candidatesFor(target.host, target.rule, lookup), winners.get(key))
    const records: AttemptRecord[] = []
    const t0 = performance.now()

    const attempts = candidates.map((c) => async (attemptSignal: AbortSignal) => {
      const record: AttemptRecord = {
        address: c.address,
        port: target.port,
        source: c.source,
        startedMs: round(performance.now() - t0),
        outcome: 'abandoned',
      }
      records.push(record)
      const both = signal ? AbortSignal.any([signal, attemptSignal]) : attemptSignal
      try {
        const result = await attemptOne(target, c, ca, both)
        record.outcome = 'won'
        record.elapsedMs = round(performance.now() - t0 - record.startedMs)
        return result
      } catch (err) {
        if (!attemptSignal.aborted || signal?.aborted) {
          record.outcome = 'failed'
          record.elapsedMs = round(performance.now() - t0 - record.startedMs)
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
        const info = infoOf(url, target, best.context.address, handshake, records, now())
        attachRefusedConnection(best, { ...info, refused: { code: best.code, message: best.message } })
      }
      throw Object.assign(best, { attempts: records })
    }
    winners.set(key, won.address)
    const info = infoOf(url, target, won.address, won, records, now())
    config.onConnection?.(info)
    return { socket: won.socket, relay: won.relay, info, target, reused: false, key: poolKey }
  }

  async function attemptOne(target: Target, c: Candidate, ca: string[] | undefined, signal: AbortSignal): Promise<Won> {
    const relay = new ReadRelay()
    if (!target.secure) {
      const tcp = await connectTcp({
        address: c.address,
        port: target.port,
        host: target.host,
        timeoutMs,
        signal,
        relay,
      })
      const plain = { protocol: null, cipher: null, alpn: null, chain: [], verified: false, handshakeMs: 0 }
      return { ...plain, ...tcp, address: c.address, relay }
    }
    const rule = target.rule
    const result = await connectTls({
      address: c.address,
      port: target.port,
      logicalName: target.logicalName,
      servername: target.servername,
      pins: rule?.pins ?? [],
      pinMode: rule?.pinMode ?? 'enforce',
      trust: rule?.trust ?? 'ca',
      ca,
      timeoutMs,
      signal,
      relay,
    })
    return { ...result, address: c.address, relay }
  }

  return {
    target: (url, profile) => targetFor(url, config.rules(), profile),
    connect,
    release: (conn) => (keepAliveMs > 0 ? pool.put(conn.key, conn) : conn.socket.destroy()),
    headTimeoutMs: config.headTimeoutMs ?? 60_000,
  }
}

/** The record of a handshake that completed, whether the transport then accepted it or refused it. */
function infoOf(
  url: URL,
  target: Target,
  address: string,
  tls: RefusedHandshake,
  attempts: AttemptRecord[],
  at: Date,
): ConnectionInfo {
  return {
    url: url.href,
    host: target.host,
    address,
    port: target.port,
    servername: target.servername ?? null,
    hostHeader: target.hostHeader,
    protocol: tls.protocol,
    cipher: tls.cipher,
    alpn: tls.alpn,
    chain: tls.chain,
    verified: tls.verified,
    ...(tls.verifyError === undefined ? {} : { verifyError: tls.verifyError }),
    ...(tls.pinned === undefined ? {} : { pinned: tls.pinned, pinMode: target.rule?.pinMode ?? 'enforce' }),
    trust: target.rule?.trust ?? 'ca',
    connectMs: round(tls.connectMs),
    handshakeMs: round(tls.handshakeMs),
    attempts,
    at: at.toISOString(),
  }
}

/** The pool key: the target as the rules made it (address rule, SNI, pins, pin mode, trust) and the anchors. */
function keyOf(target: Target, ca: readonly string[] | undefined): string {
  const anchors = anchorsKey(ca)
  const { secure, host, port, servername, logicalName, rule } = target
  return JSON.stringify([secure, host, port, servername ?? null, logicalName, rule ?? null, anchors])
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10
}
