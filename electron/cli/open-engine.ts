import { resolve } from 'node:path'

import { openCore } from '../core/open-core.ts'
import type { Queue } from '../queue/queue.ts'
import type { Store } from '../store/open-store.ts'
import type { ConnectSetup } from './connect-options.ts'
import type { CliIo } from './io.ts'
import { defaultStateDir } from './state-dir.ts'
import { envProxy } from '../transport/proxy-setting.ts'

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
  /** Run without the saved schedule's windows (`--ignore-schedule`). */
  ignoreSchedule?: boolean
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
  const hold = io.env.PINPOINT_TEST_HOLD_FINALIZE
  // The run's rules and anchors travel with each download (its connection profile); the core's transport knows
  // only the saved host rules, as in the app.
  const core = await openCore({
    stateDir: stateDirOf(flags, io),
    ...(flags.maxConcurrent ? { maxActive: flags.maxConcurrent } : {}),
    ...(flags.limitRate ? { limitRate: flags.limitRate } : {}),
    ...(flags.retries === undefined ? {} : { retries: flags.retries }),
    ...(flags.ignoreSchedule ? { schedule: { ignore: true } } : {}),
    ...(setup.connectTimeoutMs ? { connectTimeoutMs: setup.connectTimeoutMs } : {}),
    systemProxy: envProxy(io.env),
    ...(hold ? { beforeFinalize: () => new Promise<void>((r) => setTimeout(r, Number(hold))) } : {}),
  })
  return { store: core.store, queue: core.queue, shutdown: () => core.shutdown() }
}
