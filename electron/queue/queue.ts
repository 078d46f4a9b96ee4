import { exitCodeFor } from '../../shared/errors.ts'
import { isPinpointError } from '../../shared/pinpoint-error.ts'
import { priorityOf } from '../../shared/priority.ts'
import type { TransferView } from '../../shared/transfer.ts'
import { splitCredentials } from '../../shared/url-credentials.ts'
import { isEmptySecrets } from '../../shared/transfer-secrets.ts'
import { refreshUrl } from '../engine/refresh-url.ts'
import type { RefreshFrom, RefreshResult } from '../../shared/refresh.ts'
import { ChangeFeed, type Changes } from './change-feed.ts'
import { resumeWhereDiskFree } from './disk-recheck.ts'
import { SettledWaiters } from './settled-waiters.ts'
import { removeTransferFiles } from './remove-files.ts'
import { recover } from './recover.ts'
import { transferView } from './transfer-view.ts'
import type { Store } from '../store/open-store.ts'
import type { TransferRow } from '../store/transfer-row.ts'
import type { BackgroundStatus, Priority } from '../../shared/priority.ts'
import { idleBackground } from '../engine/background-rate.ts'
import { QueueRunner } from './queue-runner.ts'
import type { AddInput, QueueOptions } from './queue-options.ts'

const isOutsideRoots = (err: unknown) => isPinpointError(err) && err.code === 'OUTSIDE_ROOTS'

function keepOutsideRoots(err: unknown): void {
  if (!isOutsideRoots(err)) throw err
}

/**
 * The download queue: which transfers run, in what order, and what every listener is told about them.
 *
 * The store is the truth; what is running, and its live byte counters, the runner holds (queue-runner.ts). The
 * user's commands are here. Change events are coalesced per `eventIntervalMs` and carry a sequence number, so a
 * listener can take `snapshot()` and then apply only newer batches.
 */
export class Queue {
  readonly #store: Store
  readonly #runner: QueueRunner
  readonly #feed: ChangeFeed
  readonly #waiters: SettledWaiters
  #diskTimer: NodeJS.Timeout | undefined
  readonly #schedule: QueueOptions['schedule']

  constructor(opts: QueueOptions) {
    this.#store = opts.env.store
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
    this.#waiters = new SettledWaiters({
      isActive: (id) => this.#runner.isActive(id),
      get: (id) => this.#store.transfers.get(id),
      getMany: (ids) => this.#store.transfers.getMany(ids),
    })
    this.#runner = new QueueRunner({
      env: opts.env,
      maxActive: opts.maxActive,
      schedule: opts.schedule,
      touch: (id) => this.#touch(id),
      wake: (id, row) => this.#waiters.wake(id, row),
    })
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
    const secrets = { ...credentials, ...input.secrets }
    const insert = () =>
      this.#store.transfers.insert({
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
    // A row and its sealed secrets go in together or not at all; a row alone is one statement, atomic by itself,
    // and a savepoint around it would be two more statements for every URL of a long list.
    const row = isEmptySecrets(secrets)
      ? insert()
      : this.#store.transaction(() => {
          const added = insert()
          this.#store.secrets.putAll(added.id, secrets)
          return added
        })
    this.#touch(row.id)
    this.#runner.pump()
    return row
  }

  /** Let these transfers (or every one) run, in queue order, up to `maxActive` at once. */
  start(ids: number[] | 'all'): void {
    this.#runner.start(ids)
  }

  setMaxActive(n: number): void {
    this.#runner.setMaxActive(n)
  }

  /**
   * The user's commands (the window, the tray, the CLI), each logged in the transfer's events when it changes
   * something, so its history says who paused or resumed it; the queue's own resumes log their own reason.
   */
  pause(ids: number[]): void {
    for (const id of ids) {
      // The user's pause ends "start now anyway": resumed later, the transfer follows the schedule again.
      if (this.#store.transfers.get(id)?.startedAnyway) this.#store.transfers.update(id, { startedAnyway: false })
      if (this.#runner.abort(id, 'pause')) {
        this.#store.events.add(id, 'paused', 'paused by the user')
        continue
      }
      const row = this.#store.transfers.get(id)
      if (row && (row.state === 'queued' || row.state === 'failed')) {
        this.#store.events.add(id, 'paused', 'paused by the user')
        this.#runner.set(id, 'paused')
      }
    }
  }

  /** Give a paused or failed transfer a new URL for the same file, keeping its progress (see refresh-url.ts). */
  refreshUrl(id: number, url: string, from?: RefreshFrom): Promise<RefreshResult> {
    const runner = this.#runner
    const deps = { env: runner.env, isActive: (i: number) => runner.isActive(i), touch: (i: number) => this.#touch(i) }
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
      if (this.#runner.held(row)) this.#store.events.add(id, 'resumed', 'started now, outside the schedule')
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
    for (const id of this.#runner.activeIds()) {
      const row = this.#store.transfers.get(id)
      if (row && this.#runner.held(row)) this.#runner.abort(id, 'schedule')
    }
    for (const row of this.#store.transfers.listByState(['queued'])) this.#touch(row.id)
    this.#runner.pump()
  }

  /** Queue again what is paused or failed, logging `event` for each one that was. */
  #requeue(ids: number[], event?: { kind: string; message: string }): void {
    for (const id of ids) {
      const row = this.#store.transfers.get(id)
      if (row && (row.state === 'paused' || row.state === 'failed')) {
        if (event) this.#store.events.add(id, event.kind, event.message)
        this.#runner.set(id, 'queued')
      }
    }
    this.start(ids)
  }

  /** Stop and forget the bytes: the `.part` file is removed, a finished file is kept. */
  async cancel(ids: number[]): Promise<void> {
    for (const id of ids) {
      await this.#runner.halt(id)
      const row = this.#store.transfers.get(id)
      if (!row || row.state === 'completed') continue
      // A `.part` in a folder this run may not touch stays there (see `remove`); it is canceled all the same.
      await removeTransferFiles(row, false, this.#runner.env.confine).catch(keepOutsideRoots)
      this.#store.segments.replace(id, [])
      if (row.state !== 'canceled') this.#store.events.add(id, 'canceled', 'canceled by the user')
      this.#runner.set(id, 'canceled')
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
      await this.#runner.halt(id)
      const row = this.#store.transfers.get(id)
      if (!row) continue
      try {
        await removeTransferFiles(row, deleteFile, this.#runner.env.confine)
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
    for (const id of this.#runner.activeIds()) this.#runner.abort(id, 'stop')
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
    this.#runner.pump()
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
      this.#runner.abort(id, 'stop')
    }
    // A queued transfer a pause-background window held may run now that it is normal.
    this.#runner.pump()
  }

  /** The rate background transfers share now, and why; idle at the floor when this queue has no controller. */
  backgroundStatus(): BackgroundStatus {
    return this.#runner.env.background?.status() ?? idleBackground()
  }

  view(row: TransferRow): TransferView {
    const live = this.#runner.live(row.id)
    // A running transfer's count starts at its durable bytes and only grows, so the store need not be asked.
    const durable = live?.received ?? this.#runner.durable(row)
    const view = transferView(row, durable, live)
    if (row.state === 'queued' && !live && this.#schedule && this.#runner.held(row)) {
      view.schedule = { until: this.#schedule.heldUntil(priorityOf(row)) }
    }
    return view
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
    await this.#runner.stop()
    this.#feed.flush()
    if (this.#diskTimer) clearInterval(this.#diskTimer)
  }

  #touch(id: number): void {
    this.#feed.touch(id)
  }
}
