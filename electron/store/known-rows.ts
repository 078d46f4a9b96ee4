import type { TransferPatch, TransferRow } from './transfer-row.ts'

/** How many rows are kept: the transfers running and about to run, with room for a list being added. */
export const KNOWN_ROWS = 4096

/**
 * Rows of the transfers table as the writer that owns it last wrote or read them. An update of a row kept here
 * is a plain UPDATE, and the row it returns is this one with the patch laid over it, rather than the whole row
 * read back with `RETURNING *` and converted again: a file of a list is updated five times on its way to
 * completed, and the read-back cost more than the write. The change feed's views read the running rows from
 * here too.
 *
 * It is only true while every write to the table goes through the repository that keeps it, which holds for
 * the process holding the state folder's lock; a rollback may undo writes it saw, so it is forgotten then.
 * Callers get copies, so nothing a caller does to a row it was given can change the one kept.
 */
export class KnownRows {
  readonly #rows = new Map<number, TransferRow>()
  readonly #max: number

  constructor(max = KNOWN_ROWS) {
    this.#max = max
  }

  has(id: number): boolean {
    return this.#rows.has(id)
  }

  /** A copy of the row, or undefined when it is not kept. */
  get(id: number): TransferRow | undefined {
    const row = this.#rows.get(id)
    return row === undefined ? undefined : { ...row }
  }

  /** Keep `row` as the table now holds it; the oldest kept row goes when there are too many. */
  set(row: TransferRow): void {
    this.#rows.delete(row.id)
    this.#rows.set(row.id, { ...row })
    if (this.#rows.size > this.#max) this.#rows.delete(this.#rows.keys().next().value as number)
  }

  /**
   * The kept row with `keys` of `patch` written over it (each as given: the columns store what they are given,
   * and a row read back converts it to the same value), kept and returned as a copy; undefined when not kept.
   */
  patch(id: number, patch: TransferPatch, keys: ReadonlyArray<keyof TransferPatch>): TransferRow | undefined {
    const row = this.#rows.get(id)
    if (row === undefined) return undefined
    const next: Record<string, unknown> = { ...row }
    for (const k of keys) next[k] = patch[k]
    const updated = next as unknown as TransferRow
    this.#rows.delete(id)
    this.#rows.set(id, updated)
    return { ...updated }
  }

  delete(id: number): void {
    this.#rows.delete(id)
  }

  forget(): void {
    this.#rows.clear()
  }
}
