import type { TransactionLevels } from './transaction.ts'
import type { TransferPatch } from './transfer-row.ts'

/**
 * The columns an update may leave staged: ones no constraint can refuse (no UNIQUE, no NOT NULL a typed value
 * could break) and that say nothing about queue order. A staged update cannot fail later, when it is written
 * for some other caller.
 */
const STAGEABLE: ReadonlySet<keyof TransferPatch> = new Set<keyof TransferPatch>([
  'state',
  'errorCode',
  'errorMessage',
  'lastConnection',
  'savedPath',
  'completedAt',
  'updatedAt',
])

type Values = Map<keyof TransferPatch, TransferPatch[keyof TransferPatch]>

/**
 * Row updates held back within the store's group commit (see TurnCommit), so that a file's several small updates
 * on its way to completed ("connecting", its connection, "finalizing") go to SQLite with the next UPDATE of that
 * row, or all at once before the commit, instead of one statement each.
 *
 * Nothing changes in what is committed or when: the turn's commit writes every staged update first. What the
 * process reads is the kept row (KnownRows), which has every staged value; any statement that reads the table
 * writes them first (see transfers-repo.ts).
 *
 * Only updates made outside a store transaction are staged. Inside one, staged values leave this only to be
 * written by a statement of that transaction (with an update of their row, or before a read), so each level of
 * an open transaction keeps what left: when it rolls back to its savepoint, the values it took are staged again,
 * as the statements that wrote them are undone.
 */
export class StagedUpdates implements TransactionLevels {
  readonly #rows = new Map<number, Values>()
  readonly #write: (id: number, keys: Array<keyof TransferPatch>, patch: TransferPatch) => void
  /** One list per open transaction level: the staged rows that level took, to put back if it rolls back. */
  readonly #taken: Array<Array<[number, Values]>> = []

  constructor(write: (id: number, keys: Array<keyof TransferPatch>, patch: TransferPatch) => void) {
    this.#write = write
  }

  static stageable(keys: ReadonlyArray<keyof TransferPatch>): boolean {
    return keys.every((k) => STAGEABLE.has(k))
  }

  get size(): number {
    return this.#rows.size
  }

  /** Whether an update made now may be staged: not inside a store transaction. */
  get open(): boolean {
    return this.#taken.length === 0
  }

  add(id: number, keys: ReadonlyArray<keyof TransferPatch>, patch: TransferPatch): void {
    if (!this.open) throw new Error('staged-updates: nothing is staged inside a transaction')
    let values = this.#rows.get(id)
    if (!values) this.#rows.set(id, (values = new Map()))
    for (const k of keys) values.set(k, patch[k])
  }

  /** This row's staged values, no longer staged: the caller writes them with its own update. */
  take(id: number): Values | undefined {
    const values = this.#rows.get(id)
    if (values === undefined) return undefined
    this.#rows.delete(id)
    this.#taken.at(-1)?.push([id, values])
    return values
  }

  /** Staged again: the statement that was to write them failed, so SQLite holds none of them. */
  restore(id: number, values: Values): void {
    this.#rows.set(id, values)
  }

  /** Its transfer is removed: its staged values go with it (and come back if the removal is rolled back). */
  drop(id: number): void {
    this.take(id)
  }

  clear(): void {
    this.#rows.clear()
  }

  /** Write every staged update now, one statement per row. */
  flush(): void {
    for (const id of [...this.#rows.keys()]) {
      const values = this.take(id) as Values
      try {
        this.#write(id, [...values.keys()], Object.fromEntries(values) as TransferPatch)
      } catch (err) {
        this.restore(id, values)
        throw err
      }
    }
  }

  begin(): void {
    this.#taken.push([])
  }

  release(): void {
    const level = this.#taken.pop() ?? []
    // An outer level that rolls back later undoes these writes too.
    this.#taken.at(-1)?.push(...level)
  }

  rollback(): void {
    for (const [id, values] of (this.#taken.pop() ?? []).reverse()) this.#rows.set(id, values)
  }
}
