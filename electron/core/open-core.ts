import { limits } from '../../shared/limits.ts'
import { settingFields } from '../../shared/settings.ts'
import { envProxy, type ProxyLookup } from '../transport/proxy-setting.ts'
import { defaultRetry } from '../engine/retry-policy.ts'
import { TokenBucket } from '../engine/token-bucket.ts'
import { BackgroundRate, backgroundTraceFromEnv } from '../engine/background-rate.ts'
import type { EngineEnv } from '../engine/transfer-runner.ts'
import { Queue } from '../queue/queue.ts'
import { ScheduleGate, type ScheduleClock } from '../queue/schedule-gate.ts'
import { openStore, type Store, type StoreOptions } from '../store/open-store.ts'
import type { ConnectionInfo } from '../transport/connection-info.ts'
import type { Transport } from '../transport/transport.ts'
import { createRankingKeeper } from './ranking-keeper.ts'
import { coreTransports, type TransportMaker } from '../engine/core-transport.ts'
import type { Schedule } from '../../shared/schedule.ts'

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
  /** How long a measurement of a host's nodes orders them before a transfer has it taken again. */
  rankingMaxAgeMs?: number
  /**
   * The saved schedule's windows hold and limit the queue unless `ignore` (`pinpoint get --ignore-schedule`);
   * `clock` and `timeZone` (the OS's by default) are for tests.
   */
  schedule?: { ignore?: boolean; clock?: ScheduleClock; timeZone?: string; jumpCheckMs?: number }
  /** The system's proxy for the "system" setting: Chromium's answer in the app; the environment by default. */
  systemProxy?: ProxyLookup
}

export interface OpenedCore {
  store: Store
  transport: Transport
  queue: Queue
  /** The global rate limit, shared by every download. */
  limiter: TokenBucket
  /** The rate background transfers share, set by the delay-based controller under the global limit. */
  background: BackgroundRate
  /** The saved schedule as the queue follows it; undefined when told to ignore it. */
  schedule: ScheduleGate | undefined
  /**
   * Set the global limit (bytes per second, 0 = none); while a schedule window limits the rate, the lower of the
   * two applies. Set it here rather than on `limiter`, which would lose the window's limit.
   */
  setLimitRate(bytesPerSecond: number): void
  /** Stop every download gracefully, commit, close the store. Safe to call more than once. */
  shutdown(): Promise<void>
  /**
   * Transports built as the download transport is (host rules, settings, the system proxy this core was given):
   * what previews, probes and host checks connect with, so they go where a download would.
   */
  transports: TransportMaker
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
    const transports = coreTransports(store, cfg.systemProxy ?? envProxy(process.env))
    const nodes = createRankingKeeper({
      rankings: store.nodeRankings,
      transport: transports(cfg.connectTimeoutMs ? { connectTimeoutMs: cfg.connectTimeoutMs } : {}),
      maxAgeMs: cfg.rankingMaxAgeMs ?? RANKING_FRESH_MS,
    })
    const background = new BackgroundRate({ ceiling: () => limiter.rate, ...backgroundTraceFromEnv(process.env) })
    let baseRate = cfg.limitRate ?? 0
    const transport = transports({
      ranking: (host, port) => nodes.ranked(host, port),
      ...(cfg.connectTimeoutMs ? { connectTimeoutMs: cfg.connectTimeoutMs } : {}),
      ...(cfg.onConnection ? { onConnection: cfg.onConnection } : {}),
    })
    const env: EngineEnv = {
      store,
      transport,
      limiter,
      nodes,
      background,
      ...(cfg.retries === undefined ? {} : { retry: { ...defaultRetry, maxAttempts: cfg.retries + 1 } }),
      ...(cfg.confine ? { confine: cfg.confine } : {}),
      ...(cfg.beforeFinalize ? { beforeFinalize: cfg.beforeFinalize } : {}),
    }
    const saved = settingFields.maxActive.safeParse(store.settings.get('maxActive'))
    const applyRate = () => limiter.setRate(effectiveRate(baseRate, schedule?.state().limitRate ?? null))
    const late: { queue?: Queue } = {}
    const opts = cfg.schedule ?? {}
    const schedule = opts.ignore
      ? undefined
      : new ScheduleGate({
          rules: () => savedSchedule(store),
          ...(opts.timeZone === undefined ? {} : { timeZone: () => opts.timeZone as string }),
          ...(opts.clock ? { clock: opts.clock } : {}),
          ...(opts.jumpCheckMs ? { jumpCheckMs: opts.jumpCheckMs } : {}),
          onChange: () => {
            applyRate()
            late.queue?.applySchedule()
          },
        })
    applyRate()
    const queue = await Queue.open({
      env,
      maxActive: cfg.maxActive ?? (saved.success ? saved.data : limits.maxActive.default),
      ...(cfg.diskRecheckMs ? { diskRecheckMs: cfg.diskRecheckMs } : {}),
      ...(schedule ? { schedule } : {}),
    }).catch((err: unknown) => {
      schedule?.dispose()
      throw err
    })
    late.queue = queue
    let closed = false
    return {
      store,
      transport,
      queue,
      limiter,
      background,
      schedule,
      transports,
      setLimitRate(bytesPerSecond) {
        baseRate = bytesPerSecond
        applyRate()
      },
      async shutdown() {
        if (closed) return
        closed = true
        schedule?.dispose()
        await queue.stop()
        await nodes.close()
        background.stop()
        store.close()
      },
    }
  } catch (err) {
    store.close()
    throw err
  }
}

/** How long a measurement of a host's nodes orders its candidates; after that, a transfer has it taken again. */
export const RANKING_FRESH_MS = 24 * 60 * 60 * 1000

/** The lower of two limits, where 0 (the global one) or null (the window's) means none. */
export function effectiveRate(base: number, scheduled: number | null): number {
  if (scheduled === null) return base
  return base > 0 ? Math.min(base, scheduled) : scheduled
}

/** The saved schedule; one this version cannot read holds nothing. */
function savedSchedule(store: Store): Schedule {
  const saved = settingFields.schedule.safeParse(store.settings.get('schedule'))
  return saved.success ? saved.data : []
}
