import type { TransactionLevels } from './transaction.ts'

/**
 * Inserts held back for the store's group commit (see TurnCommit): rows nothing can refuse later (a history
 * line, a connection), written in the order they were held when the turn commits, or sooner, before a statement
 * that must come after them (a read of their table, an insert after them). One statement each at the commit,
 * instead of a savepoint around the write they go with.
 *
 * A held row written inside a store transaction would be undone by that transaction's rollback, though it was
 * held for work outside it. So each open level keeps the held rows it wrote: when it rolls back they are held
 * again, in their place before any held since; when it is released they pass to the level around it. A row held
 * inside a transaction belongs to that transaction's work, and is written at once, within it (and undone with
 * it).
 */
export class HeldRows<T> implements TransactionLevels {
  readonly #held: T[] = []
  /** Per open transaction level: the held rows it wrote, and the rows held inside it (written at once). */
  readonly #levels: Array<{ held: T[]; own: T[] }> = []
  readonly #write: (row: T) => void
  readonly #unwritten: (row: T) => void

  /**
   * `write` inserts one row; `unwritten` is told of each row whose insert a rollback undid (before it is held
   * again, if it was held for work outside the transaction).
   */
  constructor(write: (row: T) => void, unwritten: (row: T) => void = () => {}) {
    this.#write = write
    this.#unwritten = unwritten
  }

  get size(): number {
    return this.#held.length
  }

  hold(row: T): void {
    const level = this.#levels.at(-1)
    if (!level) {
      this.#held.push(row)
      return
    }
    this.flush()
    this.#write(row)
    level.own.push(row)
  }

  /** Write every held row now, oldest first. One that fails stays held, with those after it. */
  flush(): void {
    while (this.#held.length > 0) {
      const row = this.#held[0] as T
      this.#write(row)
      this.#held.shift()
      this.#levels.at(-1)?.held.push(row)
    }
  }

  /** The turn's commit failed and took its writes with it: what was still held was part of that turn. */
  clear(): void {
    this.#held.length = 0
  }

  begin(): void {
    this.#levels.push({ held: [], own: [] })
  }

  release(): void {
    const done = this.#levels.pop()
    const outer = this.#levels.at(-1)
    if (done && outer) {
      outer.held.push(...done.held)
      outer.own.push(...done.own)
    }
  }

  rollback(): void {
    const undone = this.#levels.pop()
    if (!undone) return
    for (const row of [...undone.held, ...undone.own]) this.#unwritten(row)
    this.#held.unshift(...undone.held)
  }
}
