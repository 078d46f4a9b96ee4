import type { StatementSync } from 'node:sqlite'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import type { KnownRows } from './known-rows.ts'
import type { QueuedAhead } from './queued-ahead.ts'
import { isUniqueViolation } from './sqlite-errors.ts'
import { StagedUpdates } from './staged-updates.ts'
import type { TransactionLevels } from './transaction.ts'
import { COLUMNS, maybeRow, toSql, type TransferPatch, type TransferRow } from './transfer-row.ts'
import type { Preparer } from './turn-commit.ts'

/** The group commit's hooks, for updates held back until it commits (see staged-updates.ts). */
export interface Staging {
  /** Join the turn, so that its commit (which writes what is staged) comes within its interval. */
  join(): void
  beforeCommit(hook: () => void): void
  /** After a commit failed and its whole turn was rolled back. */
  afterTurnRollback(hook: () => void): void
  /** Where the store's transactions report their levels. */
  levels(hooks: TransactionLevels): void
}

export interface RowUpdates {
  /** Set only the keys given (undefined ones are skipped, null clears) and `updatedAt`; throws for an unknown id. */
  update(id: number, patch: TransferPatch): TransferRow
  /** Write what is staged now: before any statement that reads the table, so that it reads the truth. */
  flushStaged(): void
  /** The transfer is being removed: nothing staged for it is written. */
  drop(id: number): void
}

/**
 * How an update of a transfer row reaches SQLite. A row the writer keeps (KnownRows) is updated with a plain
 * UPDATE and the kept row patched, rather than read back; an update of a few columns of such a row, outside any
 * transaction, is staged (see staged-updates.ts) and written with the row's next update or before the next read
 * or commit. Any other row is updated with `RETURNING *`.
 */
export function rowUpdates(
  db: Preparer,
  deps: { now: () => number; known: KnownRows | undefined; ahead: QueuedAhead; staging: Staging | undefined },
): RowUpdates {
  const { now, known, ahead, staging } = deps
  // One statement per key set, and code uses only a handful. They are found by their keys, so the SQL text is
  // built once per set rather than on every update.
  const statements = new Map<string, StatementSync>()
  const prepared = (keys: ReadonlyArray<keyof TransferPatch>, returning: boolean): StatementSync => {
    const signature = returning ? `${keys.join()} *` : keys.join()
    let stmt = statements.get(signature)
    if (!stmt) {
      const set = keys.map((k) => `${COLUMNS[k]} = ?`).join(', ')
      stmt = db.prepare(`UPDATE transfers SET ${set} WHERE id = ?${returning ? ' RETURNING *' : ''}`)
      statements.set(signature, stmt)
    }
    return stmt
  }
  const staged =
    known && staging
      ? new StagedUpdates((id, keys, patch) => prepared(keys, false).run(...keys.map((k) => toSql(patch[k])), id))
      : undefined
  const flushStaged = () => {
    if (staged && staged.size > 0) staged.flush()
  }
  if (staged && staging) {
    staging.levels(staged)
    staging.beforeCommit(flushStaged)
    // The failed commit took what was staged before it with it, like every other write of its turn.
    staging.afterTurnRollback(() => staged.clear())
  }

  return {
    update(id, patch) {
      const keys = (Object.keys(patch) as Array<keyof TransferPatch>).filter((k) => patch[k] !== undefined)
      for (const k of keys) if (!Object.hasOwn(COLUMNS, k)) throw new TypeError(`transfers.update: unknown key ${k}`)
      if (!keys.includes('updatedAt')) keys.push('updatedAt')
      const full: TransferPatch = { ...patch, updatedAt: patch.updatedAt ?? now() }
      if (staged?.open && staging && known?.has(id) && StagedUpdates.stageable(keys)) {
        staging.join()
        staged.add(id, keys, full)
        const updated = known.patch(id, full, keys) as TransferRow
        ahead.updated(updated, patch)
        return updated
      }
      // What this row has staged goes with this statement.
      const earlier = staged?.take(id)
      for (const [k, v] of earlier ?? []) {
        if (keys.includes(k)) continue
        keys.push(k)
        ;(full as Record<string, unknown>)[k] = v
      }
      const values = keys.map((k) => toSql(full[k]))
      let updated: TransferRow | undefined
      try {
        if (known?.has(id)) {
          const stmt = prepared(keys, false)
          const changed = guardTarget(patch.targetPath, () => stmt.run(...values, id)).changes
          if (changed === 0) known.delete(id)
          else updated = known.patch(id, full, keys)
        } else {
          const stmt = prepared(keys, true)
          updated = maybeRow(guardTarget(patch.targetPath, () => stmt.get(...values, id)))
          if (updated) known?.set(updated)
        }
      } catch (err) {
        if (earlier) staged?.restore(id, earlier)
        throw err
      }
      if (!updated) throw new Error(`transfers.update: no transfer ${id}`)
      ahead.updated(updated, patch)
      return updated
    },
    flushStaged,
    drop: (id) => staged?.drop(id),
  }
}

/** The `cause` of the FILE_ERROR thrown when another transfer already claims a target path. */
export const TARGET_TAKEN = 'TARGET_TAKEN'

/** The UNIQUE constraint is the backstop for a race on one name; say which file, as data the CLI can show. */
export function guardTarget<T>(targetPath: string | null | undefined, run: () => T): T {
  try {
    return run()
  } catch (err) {
    if (targetPath && isUniqueViolation(err, 'transfers.target_path')) {
      throw new PinpointError('FILE_ERROR', `another download already writes ${targetPath}`, { cause: TARGET_TAKEN })
    }
    throw err
  }
}
