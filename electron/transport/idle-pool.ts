import type { Connection } from './transport.ts'

interface Idle {
  conn: Connection
  timer: NodeJS.Timeout
  onGone: () => void
  /** Settles once the event loop has polled the socket since it was put back: see `take`. */
  settled: Promise<void>
}

/**
 * Connections whose last response ended cleanly, kept for the next request to the same place (HTTP/1.1
 * keep-alive). A list of small files from one server then costs one TCP and TLS handshake per connection
 * slot instead of one per file.
 *
 * The key says everything that made the connection acceptable (the address rule, SNI, trust anchors, pins and
 * pin mode), so a connection is only ever reused where a new one would have been checked exactly the same way;
 * a changed rule means a new key and a new handshake. An idle connection is dropped after `idleMs` (servers
 * close theirs after a few seconds too, and we would rather close first), when its server closes it, and when
 * it says anything at all: a server has no business sending bytes nobody asked for, and a late or duplicated
 * response must never be read as the answer to the next request.
 */
export class IdlePool {
  readonly #idle = new Map<string, Idle[]>()
  readonly #idleMs: number
  readonly #maxPerKey: number

  constructor(opts: { idleMs: number; maxPerKey: number }) {
    this.#idleMs = opts.idleMs
    this.#maxPerKey = opts.maxPerKey
  }

  /**
   * The most recently released live connection for `key`, taken out of the pool.
   *
   * Bytes the server sent after the last response may already wait in the kernel, unread: the socket stopped
   * reading when the response ended. So a connection put back in this very turn is only handed out after the
   * event loop has polled it once more; bytes found then retire it (`put` drops on any byte), and the request
   * goes on another connection. Bytes still on the wire after the request is written cannot be told from its
   * answer by HTTP/1.1 itself.
   */
  async take(key: string): Promise<Connection | undefined> {
    const list = this.#idle.get(key)
    while (list && list.length > 0) {
      const idle = list.pop() as Idle
      if (list.length === 0 && this.#idle.get(key) === list) this.#idle.delete(key)
      // Out of the list, but still watched: a byte, a close or the idle timer destroys it meanwhile.
      await idle.settled
      this.#forget(idle)
      const socket = idle.conn.socket as Connection['socket'] & { ref(): void }
      if (!socket.destroyed && socket.writable) {
        socket.ref()
        return idle.conn
      }
    }
    return undefined
  }

  put(key: string, conn: Connection): void {
    const socket = conn.socket as Connection['socket'] & { unref(): void }
    if (socket.destroyed || !socket.writable) return void socket.destroy()
    const list = this.#idle.get(key) ?? []
    if (list.length >= this.#maxPerKey) return void socket.destroy()
    const drop = () => {
      const at = list.indexOf(idle)
      if (at !== -1) list.splice(at, 1)
      if (list.length === 0 && this.#idle.get(key) === list) this.#idle.delete(key)
      this.#forget(idle)
      socket.destroy()
    }
    const idle: Idle = { conn, timer: setTimeout(drop, this.#idleMs).unref(), onGone: drop, settled: nextPoll() }
    socket.on('close', drop)
    socket.on('end', drop)
    socket.on('error', drop)
    conn.relay.attach(() => {
      drop()
      return false
    })
    // Read while idle (the last reader may have stopped the flow), or a close would go unnoticed; and an idle
    // connection must not keep a finished CLI run alive.
    socket.resume()
    socket.unref()
    list.push(idle)
    this.#idle.set(key, list)
  }

  /** Close every idle connection. */
  clear(): void {
    for (const list of this.#idle.values()) for (const idle of [...list]) idle.onGone()
    this.#idle.clear()
  }

  #forget(idle: Idle): void {
    clearTimeout(idle.timer)
    const socket = idle.conn.socket
    socket.off('close', idle.onGone)
    socket.off('end', idle.onGone)
    socket.off('error', idle.onGone)
  }
}

/**
 * Resolves after the event loop's next poll phase: the first setImmediate runs in this iteration's check phase,
 * the second in the next one's, after that iteration has polled every socket.
 */
function nextPoll(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)))
}
