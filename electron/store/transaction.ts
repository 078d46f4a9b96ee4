import type { DatabaseSync, StatementSync } from 'node:sqlite'

import type { TurnCommit } from './turn-commit.ts'

export type Transaction = <T>(fn: () => T) => T

/** Told of each level of transaction (the outermost and every savepoint) as it begins and ends. */
export interface TransactionLevels {
  begin(): void
  release(): void
  rollback(): void
}

/**
 * A transaction runner for one connection: `BEGIN` … `COMMIT`, or `ROLLBACK` and rethrow.
 *
 * Calls nest: inside a running transaction a call becomes a SAVEPOINT, so a repository method that is atomic on
 * its own (segments.replace, say) still composes into a caller's larger transaction. The depth is tracked here
 * rather than asked of the connection, because this runner is the only one that opens transactions on it.
 *
 * Writers begin IMMEDIATE: the write lock is taken up front, so a transaction that reads and then writes waits
 * for `busy_timeout` instead of failing with SQLITE_BUSY when it tries to upgrade.
 *
 * With a `turn` (group commit), the outermost call joins the turn's transaction and runs as a SAVEPOINT in it:
 * still all or nothing, committed with the turn's other writes.
 *
 * `fn` must be synchronous. A promise would commit before its work ran, so one is rolled back and refused.
 */
export function transactionRunner(
  db: DatabaseSync,
  begin: 'BEGIN IMMEDIATE' | 'BEGIN',
  turn?: TurnCommit,
  /** Called after any rollback, for whoever keeps what it read of the database (it may be stale now). */
  onRollback?: () => void,
  levels?: TransactionLevels,
): Transaction {
  let depth = 0
  // Prepared on first use and kept: a list of small files runs several of these pairs per file, and `exec`
  // compiles its SQL anew each time.
  let savepoint: StatementSync | undefined
  let release: StatementSync | undefined
  return <T>(fn: () => T): T => {
    if (depth === 0) turn?.join()
    const nested = depth > 0 || turn !== undefined
    if (nested) (savepoint ??= db.prepare('SAVEPOINT nested')).run()
    else db.exec(begin)
    depth++
    levels?.begin()
    try {
      const result = fn()
      if (isThenable(result)) throw new TypeError('store transactions are synchronous; the function returned a promise')
      if (nested) (release ??= db.prepare('RELEASE nested')).run()
      else db.exec('COMMIT')
      levels?.release()
      return result
    } catch (err) {
      rollback(db, nested)
      levels?.rollback()
      onRollback?.()
      throw err
    } finally {
      depth--
    }
  }
}

function rollback(db: DatabaseSync, nested: boolean): void {
  try {
    db.exec(nested ? 'ROLLBACK TO nested; RELEASE nested' : 'ROLLBACK')
  } catch {
    // Some errors (SQLITE_FULL, SQLITE_IOERR) roll back on their own; the original error is the one to report.
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as PromiseLike<unknown> | null)?.then === 'function'
}
