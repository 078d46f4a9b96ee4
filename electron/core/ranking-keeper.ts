import type { ConnectionProfile } from '../../shared/profile.ts'
import type { NodeRanking } from '../engine/node-spread.ts'
import type { NodeRankingsRepo } from '../store/node-rankings-repo.ts'
import { measureNodes } from '../transport/node-probe.ts'
import type { Transport } from '../transport/transport.ts'

export interface RankingKeeperOptions {
  rankings: NodeRankingsRepo
  /** The transport measurements go over: one of their own, so no download's pool or last node mixes in. */
  transport: Transport
  /** How long a measurement orders a host's nodes; after that it is taken again when a transfer starts. */
  maxAgeMs: number
  /** Bytes read from each node when measuring again: enough to tell a slow node, little enough to be cheap. */
  bytes?: number
  /** Per node, for its whole measurement. */
  timeoutMs?: number
  /** After a measurement that failed (no node answered), the old ranking stands this long before another try. */
  retryMs?: number
  now?: () => number
}

export interface RankingKeeper extends NodeRanking {
  transferStarts(url: URL, profile: ConnectionProfile | undefined): void
  /** Measure `url`'s host again now; true when the new ranking was stored. Never throws. */
  remeasure(url: URL, profile: ConnectionProfile | undefined): Promise<boolean>
  /** Settles when no measurement is under way. */
  idle(): Promise<void>
  /** Stop any measurement under way and wait for it to settle (before the store closes). */
  close(): Promise<void>
}

export const REMEASURE_BYTES = 256 * 1024

/**
 * Keeps hosts' node rankings current: a ranking orders connections while it is younger than `maxAgeMs`, and a
 * transfer starting to a host whose ranking is older has it measured again in the background. One measurement at
 * a time, each node bounded by a timeout; a measurement in which no node answered stores nothing, so the old
 * ranking stays as it was.
 */
export function createRankingKeeper(o: RankingKeeperOptions): RankingKeeper {
  const now = o.now ?? Date.now
  const retryMs = o.retryMs ?? 10 * 60 * 1000
  const ctl = new AbortController()
  const tried = new Map<string, number>()
  let running: Promise<boolean> | undefined

  const remeasure = async (url: URL, profile: ConnectionProfile | undefined): Promise<boolean> => {
    try {
      const report = await measureNodes(o.transport, url, {
        bytes: o.bytes ?? REMEASURE_BYTES,
        timeoutMs: o.timeoutMs ?? 10_000,
        signal: ctl.signal,
        ...(profile ? { profile } : {}),
      })
      if (ctl.signal.aborted || !report.nodes.some((n) => n.error === undefined)) return false
      o.rankings.put(report, now())
      return true
    } catch {
      // A host that cannot even be resolved now keeps its old ranking, like one whose nodes all failed.
      return false
    }
  }

  return {
    ranked(host, port) {
      const stored = o.rankings.get(host, port)
      if (!stored || now() - stored.measuredAt > o.maxAgeMs) return undefined
      return stored.report.nodes.filter((n) => n.error === undefined).map((n) => n.address)
    },
    transferStarts(url, profile) {
      if (running || ctl.signal.aborted) return
      let target
      try {
        target = o.transport.target(url, profile)
      } catch {
        return
      }
      const key = `${target.host}:${target.port}`
      const stored = o.rankings.get(target.host, target.port)
      if (!stored || now() - stored.measuredAt <= o.maxAgeMs) return
      if (now() - (tried.get(key) ?? -Infinity) < retryMs) return
      tried.set(key, now())
      running = remeasure(url, profile).finally(() => (running = undefined))
    },
    remeasure,
    async idle() {
      await running
    },
    async close() {
      ctl.abort()
      await running
    },
  }
}
