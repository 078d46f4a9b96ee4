import type { TransferPatch, TransferRow } from './transfer-row.ts'

/** How many queued rows one read keeps for the scheduling steps after it. */
export const QUEUED_AHEAD = 64

/**
 * The first queued transfers in queue order, as the writer that owns the table last read them, kept true by the
 * repository's every write: each scheduling step (one per finished file, on a list of small files) then takes
 * the next transfer without a statement, and one read serves the next QUEUED_AHEAD steps.
 *
 * What it holds is always a prefix of the queue: a write that could put a transfer somewhere inside it (back to
 * queued, a new position, a reorder, a rollback) makes it read again instead of guessing where.
 */
export class QueuedAhead {
  #rows: TransferRow[] | undefined
  /** Whether `#rows` is every queued transfer, not just the first ones. */
  #complete = false

  /**
   * The first `limit` rows in `ids` (every row when undefined) that `accept` takes, or undefined when what is
   * kept cannot tell (nothing kept, or it ran out before the end of the queue).
   */
  take(
    limit: number,
    ids: ReadonlySet<number> | undefined,
    accept: ((row: TransferRow) => boolean) | undefined,
  ): TransferRow[] | undefined {
    if (!this.#rows) return undefined
    const next: TransferRow[] = []
    for (const row of this.#rows) {
      if (ids !== undefined && !ids.has(row.id)) continue
      if (accept && !accept(row)) continue
      next.push({ ...row })
      if (next.length >= limit) return next
    }
    return this.#complete ? next : undefined
  }

  /** `rows`, the queue's first ones in order as just read; `complete` when they are all of it. */
  fill(rows: TransferRow[], complete: boolean): void {
    this.#rows = rows
    this.#complete = complete
  }

  inserted(row: TransferRow): void {
    // A new transfer goes to the end of the queue (position = max + 1): after what is kept, unless that is all.
    if (this.#rows && this.#complete && row.state === 'queued') this.#rows.push(row)
  }

  updated(row: TransferRow, patch: TransferPatch): void {
    if (!this.#rows) return
    const i = this.#rows.findIndex((r) => r.id === row.id)
    if (i >= 0) {
      if (row.state !== 'queued') this.#rows.splice(i, 1)
      else if (patch.position !== undefined) this.forget()
      else this.#rows[i] = row
    } else if (row.state === 'queued' && (patch.state !== undefined || patch.position !== undefined)) {
      this.forget()
    }
  }

  removed(id: number): void {
    const i = this.#rows?.findIndex((r) => r.id === id) ?? -1
    if (i >= 0) this.#rows?.splice(i, 1)
  }

  forget(): void {
    this.#rows = undefined
    this.#complete = false
  }
}
