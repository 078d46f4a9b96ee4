import { resolve } from 'node:path'

import { defaultRetry } from '../engine/retry-policy.ts'
import { TokenBucket } from '../engine/token-bucket.ts'
import type { EngineEnv } from '../engine/transfer-runner.ts'
import { Queue } from '../queue/queue.ts'
import { openStore, type Store } from '../store/open-store.ts'
import { createTransport } from '../transport/transport.ts'
import type { ConnectSetup } from './connect-options.ts'
import type { CliIo } from './io.ts'
import { defaultStateDir } from './state-dir.ts'

export interface Engine {
  store: Store
  queue: Queue
  /** Stop every transfer gracefully, commit, close the store. */
  shutdown(): Promise<void>
}

export interface EngineFlags {
  stateDir?: string
  maxConcurrent?: number
  limitRate?: number
  /** Retries after a transient failure, on top of the first try (curl's `--retry`); the policy's by default. */
  retries?: number
}

/** The state folder named by `--state-dir`, `PINPOINT_STATE_DIR`, or the platform default, in that order. */
export function stateDirOf(flags: { stateDir?: string }, io: CliIo): string {
  return resolve(io.cwd, flags.stateDir ?? io.env.PINPOINT_STATE_DIR ?? defaultStateDir(io.env))
}

/**
 * Open the store (taking its lock), a transport over the saved host rules, and the queue.
 *
 * `PINPOINT_TEST_HOLD_FINALIZE` makes a transfer wait before its rename, so the kill -9
 * tests can kill a process there; nothing else reads it.
 */
export async function openEngine(setup: ConnectSetup, flags: EngineFlags, io: CliIo): Promise<Engine> {
  const store = openStore({ dir: stateDirOf(flags, io) })
  // The run's rules and anchors travel with each download (its connection profile); the transport itself
  // knows only the saved host rules, as in the app.
  const transport = createTransport({
    rules: () => store.hostRules.list(),
    ...(setup.connectTimeoutMs ? { connectTimeoutMs: setup.connectTimeoutMs } : {}),
  })
  const hold = io.env.PINPOINT_TEST_HOLD_FINALIZE
  const env: EngineEnv = {
    store,
    transport,
    ...(flags.limitRate ? { limiter: new TokenBucket(flags.limitRate) } : {}),
    ...(flags.retries === undefined ? {} : { retry: { ...defaultRetry, maxAttempts: flags.retries + 1 } }),
    ...(hold ? { beforeFinalize: () => new Promise<void>((r) => setTimeout(r, Number(hold))) } : {}),
  }
  const queue = await Queue.open({ env, maxActive: flags.maxConcurrent ?? 3 })
  let closed = false
  return {
    store,
    queue,
    async shutdown() {
      if (closed) return
      closed = true
      await queue.stop()
      store.close()
    },
  }
}
