import type { Store } from '../store/open-store.ts'
import type { ConnectionInfo } from '../transport/connection-info.ts'
import type { Connection } from '../transport/transport.ts'
import { summarize, timeFirstByte } from './connection-summary.ts'
import { failoverNote, proxyFailoverNote } from './failover-note.ts'

/**
 * What each running transfer records of its connections: every socket it is handed, once (a kept-alive
 * connection is recorded by each transfer that uses it, at its first use, not once per request sent on it), with
 * the failover notes of a new one; every handshake refused for it; and the latest connection's summary on its
 * row, written only when it changes (the connections of a split download repeat one summary).
 */
export class ConnectionHistory {
  readonly #store: Store
  readonly #touch: (id: number) => void
  /** Each running transfer's stored last connection, so that a repeated one is not written again. */
  readonly #last = new Map<number, string | null>()
  readonly #recorded = new Map<number, WeakSet<object>>()

  constructor(store: Store, touch: (id: number) => void) {
    this.#store = store
    this.#touch = touch
  }

  /** A transfer starts running; `lastConnection` is its row's. */
  begin(id: number, lastConnection: string | null): void {
    this.#last.set(id, lastConnection)
  }

  /** It stopped running: nothing of it is kept. */
  end(id: number): void {
    this.#last.delete(id)
    this.#recorded.delete(id)
  }

  /** A connection handed to the transfer: in its history once per socket, and as its latest. */
  connected(id: number, conn: Connection): void {
    let recorded = this.#recorded.get(id)
    if (!recorded) this.#recorded.set(id, (recorded = new WeakSet()))
    if (!recorded.has(conn.socket)) {
      recorded.add(conn.socket)
      const firstByte = this.#store.connections.addTimed(id, conn.reused ? { ...conn.info, reused: true } : conn.info)
      const failover = conn.reused ? undefined : failoverNote(conn.info)
      if (failover) this.#store.events.add(id, 'failover', failover)
      const proxyFailover = conn.reused ? undefined : proxyFailoverNote(conn.info)
      if (proxyFailover) this.#store.events.add(id, 'failover', proxyFailover)
      timeFirstByte(conn, firstByte)
    }
    this.#latest(id, conn.info)
  }

  /**
   * A refused handshake is history (the details show the certificate refused), but never the row's connection:
   * that is one the transfer used.
   */
  refused(id: number, info: ConnectionInfo): void {
    this.#store.connections.add(id, info)
  }

  #latest(id: number, info: ConnectionInfo): void {
    const json = JSON.stringify(summarize(info))
    if (this.#last.get(id) === json) return
    this.#last.set(id, json)
    this.#store.transfers.update(id, { lastConnection: json })
    this.#touch(id)
  }
}
