import type { RetryInfo } from '../../shared/transfer.ts'
import { SpeedMeter } from './speed-meter.ts'

/** What a view shows of a running transfer beyond its row. */
export interface Live {
  received: number | undefined
  rate: number
  retry: RetryInfo | undefined
}

/**
 * The live counters of the running transfers: bytes received (from their durable bytes at the start, so they only
 * grow and the store need not be asked), speed, and the retry each waits for until its next attempt brings bytes.
 * Nothing is kept of a transfer once it stops.
 */
export class LiveProgress {
  readonly #meters = new Map<number, SpeedMeter>()
  readonly #received = new Map<number, number>()
  readonly #retries = new Map<number, RetryInfo>()

  begin(id: number, durable: number): void {
    this.#meters.set(id, new SpeedMeter())
    this.#received.set(id, durable)
  }

  end(id: number): void {
    this.#meters.delete(id)
    this.#received.delete(id)
    this.#retries.delete(id)
  }

  /**
   * Bytes mean an attempt works again. With several connections they may come from one that is not the retrying
   * one; the transfer is then downloading, not waiting.
   */
  bytes(id: number, n: number): void {
    this.#retries.delete(id)
    this.#meters.get(id)?.add(n)
    this.#received.set(id, (this.#received.get(id) ?? 0) + n)
  }

  retry(id: number, retry: RetryInfo): void {
    this.#retries.set(id, retry)
  }

  received(id: number): number | undefined {
    return this.#received.get(id)
  }

  live(id: number): Live {
    return { received: this.#received.get(id), rate: this.#meters.get(id)?.rate() ?? 0, retry: this.#retries.get(id) }
  }
}
