import { isPinpointError } from '../../shared/pinpoint-error.ts'
import { priorityOf } from '../../shared/priority.ts'
import { redactUrlsIn } from '../../shared/redact-url.ts'
import { mayRun } from '../../shared/schedule-policy.ts'
import type { TransferState } from '../../shared/domain.ts'
import { runTransfer, type EngineEnv } from '../engine/transfer-runner.ts'
import type { Store } from '../store/open-store.ts'
import type { TransferRow } from '../store/transfer-row.ts'
import { ConnectionHistory } from './connection-history.ts'
import { reportingTransport } from './connection-summary.ts'
import { LiveProgress, type Live } from './live-progress.ts'
import { priorityTransport } from './priority-transport.ts'
import type { QueueOptions } from './queue-options.ts'

/** Why a running transfer is stopped: each leaves its row in its own state (see `#settle`). */
export type StopReason = 'pause' | 'stop' | 'cancel' | 'schedule'

export interface RunnerOptions extends Pick<QueueOptions, 'env' | 'maxActive' | 'schedule'> {
  /** A transfer's view changed: its row, its live counters or its connection. */
  touch(id: number): void
  /** A transfer's row changed; `row`, when given, is its row as of now. */
  wake(id: number, row?: TransferRow): void
}

/**
 * The running side of the queue: which transfers run now (an AbortController each), started in queue order up to
 * `maxActive` and as the schedule allows, their live byte counters, and how each run's end is written down.
 *
 * The store is the truth; this only holds what is running.
 */
export class QueueRunner {
  /** The engine's environment, with the queue's own hooks for bytes, row changes and retries. */
  readonly env: EngineEnv
  readonly #store: Store
  #maxActive: number
  readonly #active = new Map<number, { ctl: AbortController; done: Promise<void> }>()
  readonly #progress = new LiveProgress()
  readonly #history: ConnectionHistory
  #scope: Set<number> | 'all' = new Set()
  #stopping = false
  readonly #schedule: QueueOptions['schedule']
  readonly #touch: (id: number) => void
  readonly #wake: (id: number, row?: TransferRow) => void

  constructor(opts: RunnerOptions) {
    this.#store = opts.env.store
    this.#maxActive = opts.maxActive
    this.#schedule = opts.schedule
    this.#touch = opts.touch
    this.#wake = opts.wake
    this.#history = new ConnectionHistory(this.#store, opts.touch)
    const outer = opts.env
    this.env = {
      ...outer,
      onBytes: (id, n) => {
        this.#progress.bytes(id, n)
        this.#touch(id)
        outer.onBytes?.(id, n)
      },
      onChange: (row) => {
        this.#touch(row.id)
        outer.onChange?.(row)
      },
      onRetry: (id, retry) => {
        this.#progress.retry(id, retry)
        this.#touch(id)
        outer.onRetry?.(id, retry)
      },
    }
  }

  isActive(id: number): boolean {
    return this.#active.has(id)
  }

  /** The live counters of a running transfer; undefined when it is not running. */
  live(id: number): Live | undefined {
    return this.#active.has(id) ? this.#progress.live(id) : undefined
  }

  /** Let these transfers (or every one) run, in queue order, up to `maxActive` at once. */
  start(ids: number[] | 'all'): void {
    if (ids === 'all') this.#scope = 'all'
    else if (this.#scope !== 'all') for (const id of ids) this.#scope.add(id)
    this.pump()
  }

  setMaxActive(n: number): void {
    this.#maxActive = n
    this.pump()
  }

  /** Whether the schedule keeps this transfer from running now. */
  held(row: TransferRow): boolean {
    if (!this.#schedule || row.startedAnyway) return false
    return !mayRun(this.#schedule.state(), priorityOf(row))
  }

  /** The transfers running now. */
  activeIds(): number[] {
    return [...this.#active.keys()]
  }

  /** Start what may run now, in queue order, up to the free slots. */
  pump(): void {
    if (this.#stopping) return
    if (this.#active.size >= this.#maxActive) return
    const scope = this.#scope === 'all' ? undefined : this.#scope
    // Only as many as there are free slots: a running transfer has left 'queued' before #run returns.
    const free = this.#maxActive - this.#active.size
    const accept = this.#schedule ? (r: TransferRow) => !this.held(r) : undefined
    const next = this.#store.transfers.nextQueued(free, scope, accept).filter((r) => !this.#active.has(r.id))
    for (const row of next) {
      if (this.#active.size >= this.#maxActive) break
      this.#history.begin(row.id, row.lastConnection)
      this.#run(row)
    }
  }

  /** Stop a running transfer, for `reason`; false when it was not running. */
  abort(id: number, reason: StopReason): boolean {
    const running = this.#active.get(id)
    if (!running) return false
    running.ctl.abort(reason)
    return true
  }

  /** Stop a running transfer for good and wait until its last checkpoint is committed. */
  async halt(id: number): Promise<void> {
    const running = this.#active.get(id)
    if (!running) return
    running.ctl.abort('cancel' satisfies StopReason)
    await running.done
  }

  /** Stop every running transfer, each left queued to resume, and start no more. */
  async stop(): Promise<void> {
    this.#stopping = true
    for (const { ctl } of this.#active.values()) ctl.abort('stop' satisfies StopReason)
    await Promise.all([...this.#active.values()].map((a) => a.done))
  }

  /** Write a transfer's new state (and `extra`), and tell the views and the waiters. */
  set(id: number, state: TransferState, extra: Partial<TransferRow> = {}): void {
    const clear = state === 'queued' ? { errorCode: null, errorMessage: null } : {}
    const row = this.#store.transfers.update(id, { state, ...clear, ...extra })
    this.#touch(id)
    this.#wake(id, row)
  }

  /**
   * The transfer's durable bytes, asking the store only when the row cannot tell: a transfer that never claimed
   * a name has no segments (its plan is written with its name, in one commit), and a completed one shows its
   * total whatever its segments say. With a list of small files these are most of the views asked for.
   */
  durable(row: TransferRow): number {
    if (row.targetPath === null) return 0
    if (row.state === 'completed' && row.total !== null) return row.total
    return this.#store.segments.durableBytes(row.id)
  }

  /** Run a transfer `pump` has just read from the store, so its row is current. */
  #run(row: TransferRow): void {
    const id = row.id
    const ctl = new AbortController()
    this.#progress.begin(id, this.durable(row))
    const transport = reportingTransport(priorityTransport(this.env.transport, row.priority, this.env.background), {
      connected: (conn) => this.#history.connected(id, conn),
      refused: (info) => this.#history.refused(id, info),
    })
    // The completed row, which tells the waiters it is finished without reading it back.
    let completed: TransferRow | undefined
    const done = runTransfer({ ...this.env, transport }, id, ctl.signal)
      .then(
        (row) => {
          completed = row
        },
        (err: unknown) => this.#settle(id, ctl.signal, err),
      )
      .finally(() => {
        this.#active.delete(id)
        this.#history.end(id)
        this.#progress.end(id)
        this.#touch(id)
        this.#wake(id, completed)
        this.pump()
      })
    this.#active.set(id, { ctl, done })
  }

  #settle(id: number, signal: AbortSignal, err: unknown): void {
    if (signal.aborted) {
      const reason = signal.reason as StopReason
      if (reason === 'pause') this.set(id, 'paused')
      else if (reason === 'stop') this.set(id, 'queued')
      else if (reason === 'schedule') {
        this.#store.events.add(id, 'paused', 'paused by the schedule')
        this.set(id, 'queued')
      }
      return
    }
    const code = isPinpointError(err) ? err.code : 'INTERNAL'
    // The error is stored and shown: any URL in it (a signed link's, a redirect's) loses its secrets here.
    const message = redactUrlsIn(
      isPinpointError(err) ? err.message : `internal error: ${(err as Error)?.stack ?? String(err)}`,
    )
    this.#store.events.add(id, 'error', `${code}: ${message}`)
    // A full disk pauses rather than fails: the bytes so far are kept and the transfer resumes once freed. A
    // server that wants credentials pauses it too, until the user gives them.
    const pause = code === 'DISK_FULL' || code === 'AUTH_REQUIRED'
    this.set(id, pause ? 'paused' : 'failed', { errorCode: code, errorMessage: message })
  }
}
