/** Decrypted (or plain) bytes as the socket delivers them: `buf[0, n)`, valid only during the call. */
export type ReadTarget = (buf: Buffer, n: number) => boolean

/** 64 KiB: what one TCP read returns at most anyway, and four TLS records. */
const READ_BUFFER = 64 * 1024

/**
 * A socket's reads, into one buffer reused for the life of the connection (net's `onread` option), relayed to
 * whoever reads the connection once it has been handed over.
 *
 * Streams would allocate a new buffer per read: 65,536 of them per GiB over TLS, and the garbage collector's
 * time with them. Bytes that arrive before a reader attaches (a server should send none before the request)
 * are copied and given to it first.
 */
export class ReadRelay {
  readonly #buffer = Buffer.allocUnsafe(READ_BUFFER)
  #target: ReadTarget | undefined
  #early: Buffer[] = []
  #view: Buffer = this.#buffer

  /** For net.connect / tls.connect. Returning false pauses the socket until `socket.resume()`. */
  readonly onread = {
    buffer: this.#buffer,
    callback: (n: number): boolean => {
      if (this.#target) return this.#target(this.#buffer, n)
      this.#early.push(Buffer.from(this.#buffer.subarray(0, n)))
      return true
    },
  }

  /**
   * The same reads through a buffer that can shrink (net's `onread` with a function, asked for a buffer before
   * every kernel read). Only plain TCP sockets use it: a TLS socket reads its records whole whatever it is given.
   */
  readonly onreadSized = {
    buffer: (): Buffer => this.#view,
    callback: this.onread.callback,
  }

  /**
   * At most `bytes` per kernel read from now on (null: the whole buffer again). Every read frees that much of the
   * socket's receive buffer and so opens the TCP window by as much at once, which the sender sends in one burst:
   * a paced transfer that must not queue on a slow link reads in small pieces.
   */
  readSize(bytes: number | null): void {
    const n = bytes === null ? READ_BUFFER : Math.max(1, Math.min(READ_BUFFER, Math.floor(bytes)))
    this.#view = n === READ_BUFFER ? this.#buffer : this.#buffer.subarray(0, n)
  }

  /**
   * Bytes a stream socket emitted (`relayStream`): the chunk is the stream's own, so it goes to the reader as it
   * is, or is kept as it is until one attaches. Returns what the reader returned.
   */
  deliver(chunk: Buffer): boolean {
    if (this.#target) return this.#target(chunk, chunk.length)
    this.#early.push(chunk)
    return true
  }

  attach(target: ReadTarget): void {
    this.#target = target
    const early = this.#early
    this.#early = []
    for (const b of early) target(b, b.length)
  }
}
