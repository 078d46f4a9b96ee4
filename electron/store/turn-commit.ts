import type { DatabaseSync, StatementSync } from 'node:sqlite'

import { PinpointError } from '../../shared/pinpoint-error.ts'

/** What the repositories need of a connection. */
export type Preparer = Pick<DatabaseSync, 'prepare'>

const WRITE = /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i
const RUNS = new Set<PropertyKey>(['run', 'get', 'all', 'iterate'])

/**
 * The default interval between commits while writes keep coming. Each commit appends every page it changed to
 * the WAL, and the same few pages (the running transfers' rows, the queue's index) change in every one: on a list
 * of 1000 small files, 100 ms rather than 20 halves the WAL (3548 against 1636 frames) and with it the checkpoints'
 * writing and syncing, all on the main thread. A reader in another process sees a write at most this much later.
 */
export const COMMIT_INTERVAL_MS = 100

/**
 * Group commit: every write joins one open transaction, committed when the turn of the event loop ends
 * (`setImmediate`), and while writes keep coming, at most once per `intervalMs`: the writes of the turns in
 * between join it too. Eight downloads finishing small files make a commit every few milliseconds instead of a
 * dozen per file, and a commit is most of what a write costs (a WAL append and its `fcntl` locks).
 *
 * Durability keeps its order: a write is made only after the file data it speaks for was fsynced, and its
 * commit comes later still, so the database never claims bytes the disk does not hold. A crash loses at most
 * the last turn's writes, which is what `synchronous=NORMAL` already allows: the bytes are fetched again.
 * Other processes (a read-only `pinpoint ls`) see a write up to `intervalMs` later; this process sees it at
 * once, as it reads through the same connection.
 *
 * A commit that fails (the disk that holds the state folder is full) rolls the turn back; the error is then
 * thrown by the next write, so whoever writes next hears of it, as they would have of their own commit.
 */
export class TurnCommit {
  readonly #db: DatabaseSync
  readonly #intervalMs: number
  #open = false
  #failure: unknown
  #lastCommit = -Infinity
  #timer: NodeJS.Immediate | NodeJS.Timeout | undefined
  readonly #beforeCommit: Array<() => void> = []
  readonly #afterRollback: Array<() => void> = []

  constructor(db: DatabaseSync, opts: { intervalMs?: number } = {}) {
    this.#db = db
    this.#intervalMs = opts.intervalMs ?? COMMIT_INTERVAL_MS
  }

  /** Open this turn's transaction if it is not open yet; the next turn commits it. */
  join(): void {
    if (this.#failure !== undefined) {
      const err = this.#failure
      this.#failure = undefined
      throw err
    }
    if (this.#open) return
    this.#db.exec('BEGIN IMMEDIATE')
    this.#open = true
    const wait = this.#lastCommit + this.#intervalMs - performance.now()
    this.#timer = wait <= 0 ? setImmediate(() => this.flush()) : setTimeout(() => this.flush(), wait)
  }

  /**
   * Run `hook` in every turn's transaction right before it commits: writes held back until then (to be made
   * whole rather than written and then corrected) land in the same commit they would have joined.
   */
  beforeCommit(hook: () => void): void {
    this.#beforeCommit.push(hook)
  }

  /** Run `hook` after a failed commit rolled the turn back: what was kept of its writes is stale. */
  afterRollback(hook: () => void): void {
    this.#afterRollback.push(hook)
  }

  /** Commit now (before closing, or when a reader in another process must see the writes). */
  flush(): void {
    if (!this.#open) return
    clearTimeout(this.#timer as NodeJS.Timeout)
    clearImmediate(this.#timer as NodeJS.Immediate)
    this.#lastCommit = performance.now()
    try {
      // Still open while the hooks write, so their statements join this transaction rather than begin another.
      try {
        for (const hook of this.#beforeCommit) hook()
      } finally {
        this.#open = false
      }
      this.#db.exec('COMMIT')
    } catch (err) {
      try {
        if (this.#db.isTransaction) this.#db.exec('ROLLBACK')
      } catch {
        // SQLITE_FULL and SQLITE_IOERR may roll back on their own; the commit's error is the one to report.
      }
      for (const hook of this.#afterRollback) hook()
      this.#failure = new PinpointError(
        (err as Error).message.includes('full') ? 'DISK_FULL' : 'FILE_ERROR',
        `the state database could not commit: ${(err as Error).message}`,
      )
    }
  }

  /** `db` for the repositories: a statement that writes joins the turn's transaction before it runs. */
  preparer(): Preparer {
    const db = this.#db
    const join = () => this.join()
    return {
      prepare(sql: string): StatementSync {
        const stmt = db.prepare(sql)
        if (!WRITE.test(sql)) return stmt
        const wrapped = new Map<PropertyKey, unknown>()
        return new Proxy(stmt, {
          get(target, key) {
            const value = Reflect.get(target, key, target) as unknown
            if (typeof value !== 'function') return value
            let fn = wrapped.get(key)
            if (!fn) {
              const method = value as (...args: unknown[]) => unknown
              fn = RUNS.has(key)
                ? (...args: unknown[]) => {
                    join()
                    return method.apply(target, args)
                  }
                : method.bind(target)
              wrapped.set(key, fn)
            }
            return fn
          },
        })
      },
    }
  }
}
