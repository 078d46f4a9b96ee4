import type { TransferState } from '../../shared/domain.ts'
import type { TransferRow } from '../store/transfer-row.ts'

const TERMINAL: ReadonlySet<TransferState> = new Set(['completed', 'failed', 'paused', 'canceled'])

/** Whether a stored transfer (not running now) may still run: it exists and is not in a terminal state. */
const isOpenRow = (row: TransferRow | undefined): boolean => row !== undefined && !TERMINAL.has(row.state)

/** What the waiters need of the queue: whether a transfer runs, and its rows. */
export interface SettledSource {
  isActive(id: number): boolean
  get(id: number): TransferRow | undefined
  getMany(ids: readonly number[]): Map<number, TransferRow>
}

/**
 * Who waits for transfers to settle (`pinpoint get` for its list, the tests), woken by the queue at every change
 * of a transfer's state. Only the transfer that changed is looked at again, so waiting on a list of thousands
 * stays O(1) per change.
 */
export class SettledWaiters {
  readonly #waiters = new Set<(id: number, row?: TransferRow) => void>()
  readonly #source: SettledSource

  constructor(source: SettledSource) {
    this.#source = source
  }

  /** `id` changed; `row`, when given, is its row as of now. */
  wake(id: number, row?: TransferRow): void {
    for (const w of [...this.#waiters]) w(id, row)
  }

  /** Resolves, with their rows, when none of `ids` is queued or running any more. */
  async settled(ids: number[]): Promise<TransferRow[]> {
    const source = this.#source
    // A running transfer is open whatever its row says; `known` is its row as of the change, when the caller has it.
    const isOpen = (id: number, known?: TransferRow) => source.isActive(id) || isOpenRow(known ?? source.get(id))
    // One read for the whole list: the rows not running are all looked at once, and again once at the end.
    const rows = source.getMany(ids.filter((id) => !source.isActive(id)))
    const open = new Set(ids.filter((id) => source.isActive(id) || isOpenRow(rows.get(id))))
    if (open.size > 0) {
      await new Promise<void>((resolve) => {
        const listener = (id: number, row?: TransferRow) => {
          if (!open.has(id) || isOpen(id, row)) return
          open.delete(id)
          if (open.size > 0) return
          this.#waiters.delete(listener)
          resolve()
        }
        this.#waiters.add(listener)
      })
    }
    const now = source.getMany(ids)
    return ids.map((id) => now.get(id)).filter((r): r is TransferRow => r !== undefined)
  }
}
