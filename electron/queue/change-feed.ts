import type { TransferView } from '../../shared/transfer.ts'

export interface Changes {
  seq: number
  patches: TransferView[]
  removed: number[]
}

/**
 * Coalesced change events with a sequence number.
 *
 * A transfer touched a thousand times within one window is sent once, with its view as of the flush; so a
 * fast download costs listeners (the IPC bridge, the CLI display) at most `intervalMs`⁻¹ batches a second.
 * `seq` grows by one per batch, so a listener that takes a snapshot can skip batches it has already seen.
 */
export class ChangeFeed {
  readonly #listeners = new Set<(c: Changes) => void>()
  readonly #dirty = new Set<number>()
  readonly #removed = new Set<number>()
  readonly #intervalMs: number
  readonly #views: (ids: readonly number[]) => Array<TransferView | undefined>
  #seq = 0
  #timer: NodeJS.Timeout | undefined

  /**
   * `views`, when given, builds the views of a whole batch at once (one store read for every dirty transfer
   * rather than one each); it returns them in the order of `ids`, undefined for a transfer that is gone.
   */
  constructor(
    intervalMs: number,
    view: (id: number) => TransferView | undefined,
    views?: (ids: readonly number[]) => Array<TransferView | undefined>,
  ) {
    this.#intervalMs = intervalMs
    this.#views = views ?? ((ids) => ids.map(view))
  }

  get seq(): number {
    return this.#seq
  }

  touch(id: number): void {
    // A new transfer may reuse the id of one removed earlier in this batch (SQLite hands out the highest id
    // plus one): the batch then carries the new transfer, not the removal that would delete it again.
    this.#removed.delete(id)
    this.#dirty.add(id)
    this.#schedule()
  }

  removed(id: number): void {
    this.#dirty.delete(id)
    this.#removed.add(id)
    this.#schedule()
  }

  subscribe(listener: (c: Changes) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Send what is pending now (used on stop, so the last state reaches every listener). */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
    if (this.#dirty.size === 0 && this.#removed.size === 0) return
    const patches: TransferView[] = []
    for (const view of this.#views([...this.#dirty])) if (view) patches.push(view)
    const changes: Changes = { seq: ++this.#seq, patches, removed: [...this.#removed] }
    this.#dirty.clear()
    this.#removed.clear()
    for (const l of this.#listeners) l(changes)
  }

  #schedule(): void {
    if (this.#timer || this.#listeners.size === 0) return
    this.#timer = setTimeout(() => this.flush(), this.#intervalMs)
  }
}
