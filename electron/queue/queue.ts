import { exitCodeFor } from '../../shared/errors.ts'
import { isPinpointError } from '../../shared/pinpoint-error.ts'
import { redactUrlsIn } from '../../shared/redact-url.ts'
import { priorityOf } from '../../shared/priority.ts'
import { mayRun } from '../../shared/schedule-policy.ts'
import type { TransferView } from '../../shared/transfer.ts'
import { splitCredentials } from '../../shared/url-credentials.ts'
import { isEmptySecrets } from '../../shared/transfer-secrets.ts'
import { runTransfer, type EngineEnv } from '../engine/transfer-runner.ts'
import { refreshUrl } from '../engine/refresh-url.ts'
import type { RefreshFrom, RefreshResult } from '../../shared/refresh.ts'
import { ChangeFeed, type Changes } from './change-feed.ts'
import { ConnectionHistory } from './connection-history.ts'
import { reportingTransport } from './connection-summary.ts'
import { resumeWhereDiskFree } from './disk-recheck.ts'
import { LiveProgress } from './live-progress.ts'
import { SettledWaiters } from './settled-waiters.ts'
import { removeTransferFiles } from './remove-files.ts'
import { recover } from './recover.ts'
import { transferView } from './transfer-view.ts'
import type { Store } from '../store/open-store.ts'
import type { TransferRow } from '../store/transfer-row.ts'
import type { TransferState } from '../../shared/domain.ts'
import type { BackgroundStatus, Priority } from '../../shared/priority.ts'
import { idleBackground } from '../engine/background-rate.ts'
import { priorityTransport } from './priority-transport.ts'
import type { AddInput, QueueOptions } from './queue-options.ts'

type StopReason = 'pause' | 'stop' | 'cancel' | 'schedule'

const isOutsideRoots = (err: unknown) => isPinpointError(err) && err.code === 'OUTSIDE_ROOTS'

function keepOutsideRoots(err: unknown): void {
  if (!isOutsideRoots(err)) throw err
}

/**
 * The download queue: which transfers run, in what order, and what every listener is told about them.
 *
 * The store is the truth; this object only holds what is running (an AbortController each) and the live
 * byte counters. Change events are coalesced per `eventIntervalMs` and carry a sequence number, so a
 * listener can take `snapshot()` and then apply only newer batches.
 */
export class Queue {
  readonly #env: EngineEnv
  readonly #store: Store
  #maxActive: number
  readonly #active = new Map<number, { ctl: AbortController; done: Promise<void> }>()
  readonly #progress = new LiveProgress()
  readonly #history: ConnectionHistory
  readonly #feed: ChangeFeed
  readonly #waiters: SettledWaiters
  #scope: Set<number> | 'all' = new Set()
  #diskTimer: NodeJS.Timeout | undefined
  #stopping = false
  readonly #schedule: QueueOptions['schedule']

  constructor(opts: QueueOptions) {
    this.#store = opts.env.store
    this.#maxActive = opts.maxActive
    this.#schedule = opts.schedule
    this.#feed = new ChangeFeed(
      opts.eventIntervalMs ?? 100,
      (id) => {
        const row = this.#store.transfers.get(id)
        return row ? this.view(row) : undefined
      },
      (ids) => {
        const rows = this.#store.transfers.getMany(ids)
        return ids.map((id) => {
          const row = rows.get(id)
          return row ? this.view(row) : undefined
        })
      },
    )
    this.#history = new ConnectionHistory(this.#store, (id) => this.#touch(id))
    this.#waiters = new SettledWaiters({
      isActive: (id) => this.#active.has(id),
      get: (id) => this.#store.transfers.get(id),
      getMany: (ids) => this.#store.transfers.getMany(ids),
    })
    this.#env = {
      ...opts.env,
      onBytes: (id, n) => {
        this.#progress.bytes(id, n)
        this.#touch(id)
        opts.env.onBytes?.(id, n)
      },
      onChange: (row) => {
        this.#touch(row.id)
        opts.env.onChange?.(row)
      },
      onRetry: (id, retry) => {
        this.#progress.retry(id, retry)
        this.#touch(id)
        opts.env.onRetry?.(id, retry)
      },
    }
    if (opts.diskRecheckMs) {
      const recheck = () => resumeWhereDiskFree(this.#store, (id) => this.#requeue([id]))
      this.#diskTimer = setInterval(() => void recheck(), opts.diskRecheckMs)
      this.#diskTimer.unref()
    }
  }

  /** Open the queue over a store, first repairing what a crash left behind. */
  static async open(opts: QueueOptions): Promise<Queue> {
    await recover(opts.env.store, opts.env.confine)
    return new Queue(opts)
  }

  add(input: AddInput): TransferRow {
    // A `user:password@` in the URL is kept apart, sealed; the row, and so every view of it, has the URL without.
    const { url, credentials } = splitCredentials(input.url)
    const row = this.#store.transaction(() => {
      const added = this.#store.transfers.insert({
        url,
        dir: input.dir,
        split: input.split,
        state: input.paused ? 'paused' : 'queued',
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(input.checksum === undefined ? {} : { checksum: input.checksum }),
        ...(input.limitRate === undefined ? {} : { limitRate: input.limitRate }),
        ...(input.connection ? { connection: input.connection } : {}),
        ...(input.signature ? { signature: input.signature } : {}),
        ...(input.priority ? { priority: input.priority } : {}),
      })
      const secrets = { ...credentials, ...input.secrets }
      if (!isEmptySecrets(secrets)) this.#store.secrets.putAll(added.id, secrets)
      return added
    })
    this.#touch(row.id)
    this.#pump()
    return row
  }

  /** Let these transfers (or every one) run, in queue order, up to `maxActive` at once. */
  start(ids: number[] | 'all'): void {
    if (ids === 'all') this.#scope = 'all'
    else if (this.#scope !== 'all') for (const id of ids) this.#scope.add(id)
    this.#pump()
  }

  setMaxActive(n: number): void {
    this.#maxActive = n
    this.#pump()
  }

  /**
   * The user's commands (the window, the tray, the CLI), each logged in the transfer's events when it changes
   * something, so its history says who paused or resumed it; the queue's own resumes log their own reason.
   */
  pause(ids: number[]): void {
    for (const id of ids) {
      // The user's pause ends "start now anyway": resumed later, the transfer follows the schedule again.
      if (this.#store.transfers.get(id)?.startedAnyway) this.#store.transfers.update(id, { startedAnyway: false })
      if (this.#abort(id, 'pause')) {
        this.#store.events.add(id, 'paused', 'paused by the user')
        continue
      }
      const row = this.#store.transfers.get(id)
      if (row && (row.state === 'queued' || row.state === 'failed')) {
        this.#store.events.add(id, 'paused', 'paused by the user')
        this.#set(id, 'paused')
      }
    }
  }

  /** Give a paused or failed transfer a new URL for the same file, keeping its progress (see refresh-url.ts). */
  refreshUrl(id: number, url: string, from?: RefreshFrom): Promise<RefreshResult> {
    const deps = { env: this.#env, isActive: (i: number) => this.#active.has(i), touch: (i: number) => this.#touch(i) }
    return refreshUrl(deps, id, url, from)
  }

  resume(ids: number[]): void {
    this.#requeue(ids, { kind: 'resumed', message: 'resumed by the user' })
  }

  retry(ids: number[]): void {
    this.#requeue(ids, { kind: 'retried', message: 'retried by the user' })
  }

  /**
   * Start these now even inside a window that would hold them ("start now anyway"), until the user pauses them;
   * stored with each transfer, so a restart inside the window keeps them running.
   */
  startAnyway(ids: number[]): void {
    for (const id of ids) {
      const row = this.#store.transfers.get(id)
      if (!row || row.state === 'completed' || row.state === 'canceled') continue
      if (this.#held(row)) this.#store.events.add(id, 'resumed', 'started now, outside the schedule')
      if (!row.startedAnyway) this.#store.transfers.update(id, { startedAnyway: true })
      this.#touch(id)
    }
    this.#requeue(ids)
  }

  /**
   * The schedule's policy changed: stop the running transfers it now holds (their bytes kept, left queued so they
   * resume when it lets them), tell every waiting row its new reason, and run what may run.
   */
  applySchedule(): void {
    for (const [id] of this.#active) {
      const row = this.#store.transfers.get(id)
      if (row && this.#held(row)) this.#abort(id, 'schedule')
    }
    for (const row of this.#store.transfers.listByState(['queued'])) this.#touch(row.id)
    this.#pump()
  }

  /** Whether the schedule keeps this transfer from running now. */
  #held(row: TransferRow): boolean {
    if (!this.#schedule || row.startedAnyway) return false
    return !mayRun(this.#schedule.state(), priorityOf(row))
  }

  /** Queue again what is paused or failed, logging `event` for each one that was. */
  #requeue(ids: number[], event?: { kind: string; message: string }): void {
    for (const id of ids) {
      const row = this.#store.transfers.get(id)
      if (row && (row.state === 'paused' || row.state === 'failed')) {
        if (event) this.#store.events.add(id, event.kind, event.message)
        this.#set(id, 'queued')
      }
    }
    this.start(ids)
  }

  /** Stop and forget the bytes: the `.part` file is removed, a finished file is kept. */
  async cancel(ids: number[]): Promise<void> {
    for (const id of ids) {
      await this.#halt(id)
      const row = this.#store.transfers.get(id)
      if (!row || row.state === 'completed') continue
      // A `.part` in a folder this run may not touch stays there (see `remove`); it is canceled all the same.
      await removeTransferFiles(row, false, this.#env.confine).catch(keepOutsideRoots)
      this.#store.segments.replace(id, [])
      if (row.state !== 'canceled') this.#store.events.add(id, 'canceled', 'canceled by the user')
      this.#set(id, 'canceled')
    }
  }

  /**
   * Drop transfers from the list; `deleteFile` also removes a finished file (the `.part` always goes).
   *
   * Where a file's folder may not be touched (OUTSIDE_ROOTS from `confine`), a plain remove drops the row and
   * leaves the file, as the user asked to keep it anyway; a remove with the file keeps that row, so the file is
   * still listed, and throws once the other ids are done: deleting it is what was asked and it was not done.
   */
  async remove(ids: number[], deleteFile: boolean): Promise<void> {
    let refused: unknown
    for (const id of ids) {
      await this.#halt(id)
      const row = this.#store.transfers.get(id)
      if (!row) continue
      try {
        await removeTransferFiles(row, deleteFile, this.#env.confine)
      } catch (err) {
        if (deleteFile || !isOutsideRoots(err)) {
          refused ??= err
          continue
        }
      }
      this.#store.transfers.remove(id)
      this.#feed.removed(id)
    }
    if (refused !== undefined) throw refused
  }

  /**
   * After sleep or a network change: reconnect what is running (its sockets may be dead without knowing it)
   * and retry what failed for network reasons. Durable progress is kept; each resumes from its checkpoint.
   */
  retryStalled(): void {
    for (const { ctl } of this.#active.values()) ctl.abort('stop' satisfies StopReason)
    const network = this.#store.transfers
      .listByState(['failed'])
      .filter((r) => r.errorCode !== null && exitCodeFor(r.errorCode) === 3)
    this.#requeue(
      network.map((r) => r.id),
      { kind: 'resumed', message: 'resumed after sleep or a network change' },
    )
  }

  reorder(ids: number[]): void {
    // Every row that moved, not just `ids`: a view whose position is stale would sort wrongly in the mirror.
    for (const id of this.#store.transfers.reorder(ids)) this.#touch(id)
    this.#pump()
  }

  /**
   * Give these transfers a priority. A running one is stopped and queued again at once, keeping its bytes, so
   * its new connections are made (and marked, and limited) under the new priority.
   */
  setPriority(ids: number[], priority: Priority): void {
    for (const id of ids) {
      const row = this.#store.transfers.get(id)
      if (!row || row.priority === priority) continue
      this.#store.transfers.update(id, { priority })
      this.#store.events.add(id, 'priority', `priority set to ${priority} by the user`)
      this.#touch(id)
      this.#abort(id, 'stop')
    }
    // A queued transfer a pause-background window held may run now that it is normal.
    this.#pump()
  }

  /** The rate background transfers share now, and why; idle at the floor when this queue has no controller. */
  backgroundStatus(): BackgroundStatus {
    return this.#env.background?.status() ?? idleBackground()
  }

  view(row: TransferRow): TransferView {
    const live = this.#active.has(row.id) ? this.#progress.live(row.id) : undefined
    // A running transfer's count starts at its durable bytes and only grows, so the store need not be asked.
    const durable = live?.received ?? this.#durable(row)
    const view = transferView(row, durable, live)
    if (row.state === 'queued' && !live && this.#schedule && this.#held(row)) {
      view.schedule = { until: this.#schedule.heldUntil(priorityOf(row)) }
    }
    return view
  }

  /**
   * The transfer's durable bytes, asking the store only when the row cannot tell: a transfer that never claimed
   * a name has no segments (its plan is written with its name, in one commit), and a completed one shows its
   * total whatever its segments say. With a list of small files these are most of the views asked for.
   */
  #durable(row: TransferRow): number {
    if (row.targetPath === null) return 0
    if (row.state === 'completed' && row.total !== null) return row.total
    return this.#store.segments.durableBytes(row.id)
  }

  snapshot(): { seq: number; transfers: TransferView[] } {
    return { seq: this.#feed.seq, transfers: this.#store.transfers.list().map((r) => this.view(r)) }
  }

  subscribe(listener: (c: Changes) => void): () => void {
    return this.#feed.subscribe(listener)
  }

  /** Resolves when none of `ids` is queued or running any more. */
  settled(ids: number[]): Promise<TransferRow[]> {
    return this.#waiters.settled(ids)
  }

  /** Graceful stop: every running transfer commits its durable progress and is left `queued` to resume. */
  async stop(): Promise<void> {
    this.#stopping = true
    for (const { ctl } of this.#active.values()) ctl.abort('stop' satisfies StopReason)
    await Promise.all([...this.#active.values()].map((a) => a.done))
    this.#feed.flush()
    if (this.#diskTimer) clearInterval(this.#diskTimer)
  }

  #pump(): void {
    if (this.#stopping) return
    if (this.#active.size >= this.#maxActive) return
    const scope = this.#scope === 'all' ? undefined : this.#scope
    // Only as many as there are free slots: a running transfer has left 'queued' before #run returns.
    const free = this.#maxActive - this.#active.size
    const accept = this.#schedule ? (r: TransferRow) => !this.#held(r) : undefined
    const next = this.#store.transfers.nextQueued(free, scope, accept).filter((r) => !this.#active.has(r.id))
    for (const row of next) {
      if (this.#active.size >= this.#maxActive) break
      this.#history.begin(row.id, row.lastConnection)
      this.#run(row)
    }
  }

  /** Run a transfer `#pump` has just read from the store, so its row is current. */
  #run(row: TransferRow): void {
    const id = row.id
    const ctl = new AbortController()
    this.#progress.begin(id, this.#durable(row))
    const priority = row.priority
    const transport = reportingTransport(priorityTransport(this.#env.transport, priority, this.#env.background), {
      connected: (conn) => this.#history.connected(id, conn),
      refused: (info) => this.#history.refused(id, info),
    })
    // The completed row, which tells the waiters it is finished without reading it back.
    let completed: TransferRow | undefined
    const done = runTransfer({ ...this.#env, transport }, id, ctl.signal)
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
        this.#pump()
      })
    this.#active.set(id, { ctl, done })
  }

  #settle(id: number, signal: AbortSignal, err: unknown): void {
    if (signal.aborted) {
      const reason = signal.reason as StopReason
      if (reason === 'pause') this.#set(id, 'paused')
      else if (reason === 'stop') this.#set(id, 'queued')
      else if (reason === 'schedule') {
        this.#store.events.add(id, 'paused', 'paused by the schedule')
        this.#set(id, 'queued')
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
    this.#set(id, pause ? 'paused' : 'failed', { errorCode: code, errorMessage: message })
  }

  #set(id: number, state: TransferState, extra: Partial<TransferRow> = {}): void {
    const clear = state === 'queued' ? { errorCode: null, errorMessage: null } : {}
    const row = this.#store.transfers.update(id, { state, ...clear, ...extra })
    this.#touch(id)
    this.#wake(id, row)
  }

  /** Stop a running transfer for good and wait until its last checkpoint is committed. */
  async #halt(id: number): Promise<void> {
    const running = this.#active.get(id)
    if (!running) return
    running.ctl.abort('cancel' satisfies StopReason)
    await running.done
  }

  #abort(id: number, reason: StopReason): boolean {
    const running = this.#active.get(id)
    if (!running) return false
    running.ctl.abort(reason)
    return true
  }

  #touch(id: number): void {
    this.#feed.touch(id)
  }

  /** Tell the waiters that `id` changed; `row`, when given, is its row as of now. */
  #wake(id: number, row?: TransferRow): void {
    this.#waiters.wake(id, row)
  }
}
