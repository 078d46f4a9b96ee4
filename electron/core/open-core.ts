import { limits } from '../../shared/limits.ts'
import { settingDefaults, settingFields } from '../../shared/settings.ts'
import type { ProxySetting } from '../../shared/proxy.ts'
import { envProxy, settingProxy, type ProxyLookup } from '../transport/proxy-setting.ts'
import { defaultRetry } from '../engine/retry-policy.ts'
import { TokenBucket } from '../engine/token-bucket.ts'
import type { EngineEnv } from '../engine/transfer-runner.ts'
import { Queue } from '../queue/queue.ts'
import { openStore, type Store, type StoreOptions } from '../store/open-store.ts'
import type { ConnectionInfo } from '../transport/connection-info.ts'
import { createTransport, type Transport } from '../transport/transport.ts'
import type { DnsChoice } from '../../shared/dns.ts'

export interface CoreConfig {
  /** The state folder: the queue database, its lock and its key. */
  stateDir: string
  /** How the store's key is wrapped at rest (the app's OS keychain); none under plain Node. */
  keyWrap?: StoreOptions['keyWrap']
  /** Downloads at once; the saved setting when absent. */
  maxActive?: number
  /** A global rate limit in bytes per second; none when absent. The app applies its setting afterwards. */
  limitRate?: number
  /** Retries after a transient failure, on top of the first try; the policy's when absent. */
  retries?: number
  /** Per address: TCP connect plus TLS handshake. */
  connectTimeoutMs?: number
  /** Checked right before a download's files are touched (`pinpoint serve`'s roots). */
  confine?: EngineEnv['confine']
  /** A download paused by a full disk is retried this often (long-lived processes only). */
  diskRecheckMs?: number
  /** Runs after the final fsync and before the rename (the kill -9 tests hold a download there). */
  beforeFinalize?: EngineEnv['beforeFinalize']
  onConnection?: (info: ConnectionInfo) => void
  /** The system's proxy for the "system" setting: Chromium's answer in the app; the environment by default. */
  systemProxy?: ProxyLookup
}

export interface OpenedCore {
  store: Store
  transport: Transport
  queue: Queue
  /** The global rate limit, shared by every download. */
  limiter: TokenBucket
  /** Stop every download gracefully, commit, close the store. Safe to call more than once. */
  shutdown(): Promise<void>
}

/**
 * The one composition root of the core, for the app, `pinpoint serve` and the CLI alike: the store (taking the
 * state folder's lock), a transport over the saved host rules, and the queue over both (after crash recovery).
 * A download's own rules travel with it (its connection profile), so nothing here depends on who added it.
 */
export async function openCore(cfg: CoreConfig): Promise<OpenedCore> {
  const store = openStore({ dir: cfg.stateDir, ...(cfg.keyWrap ? { keyWrap: cfg.keyWrap } : {}) })
  try {
    const limiter = new TokenBucket(cfg.limitRate ?? 0)
    const transport = createTransport({
      rules: () => store.hostRules.list(),
      ranking: (host, port) => freshRanking(store, host, port),
      dns: () => savedDns(store),
      proxy: settingProxy(() => savedProxy(store), cfg.systemProxy ?? envProxy(process.env)),
      ...(cfg.connectTimeoutMs ? { connectTimeoutMs: cfg.connectTimeoutMs } : {}),
      ...(cfg.onConnection ? { onConnection: cfg.onConnection } : {}),
    })
    const env: EngineEnv = {
      store,
      transport,
      limiter,
      ...(cfg.retries === undefined ? {} : { retry: { ...defaultRetry, maxAttempts: cfg.retries + 1 } }),
      ...(cfg.confine ? { confine: cfg.confine } : {}),
      ...(cfg.beforeFinalize ? { beforeFinalize: cfg.beforeFinalize } : {}),
    }
    const saved = settingFields.maxActive.safeParse(store.settings.get('maxActive'))
    const queue = await Queue.open({
      env,
      maxActive: cfg.maxActive ?? (saved.success ? saved.data : limits.maxActive.default),
      ...(cfg.diskRecheckMs ? { diskRecheckMs: cfg.diskRecheckMs } : {}),
    })
    let closed = false
    return {
      store,
      transport,
      queue,
      limiter,
      async shutdown() {
        if (closed) return
        closed = true
        await queue.stop()
        store.close()
      },
    }
  } catch (err) {
    store.close()
    throw err
  }
}

/** How long a measurement of a host's nodes orders its candidates; after that, the Hosts view offers a new one. */
export const RANKING_FRESH_MS = 24 * 60 * 60 * 1000

function freshRanking(store: Store, host: string, port: number): string[] | undefined {
  const stored = store.nodeRankings.get(host, port)
  if (!stored || Date.now() - stored.measuredAt > RANKING_FRESH_MS) return undefined
  return stored.report.nodes.filter((n) => n.error === undefined).map((n) => n.address)
}

/** The app's resolver setting as saved; a value this version cannot read means the system resolver. */
/** The saved proxy setting; one this version cannot read counts as the default (the system's). */
function savedProxy(store: Store): ProxySetting {
  const saved = settingFields.proxy.safeParse(store.settings.get('proxy'))
  return saved.success ? saved.data : settingDefaults.proxy
}

function savedDns(store: Store): DnsChoice | undefined {
  const saved = settingFields.dns.safeParse(store.settings.get('dns'))
  return saved.success && saved.data.mode !== 'system' ? saved.data : undefined
}
