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

  /** For net.connect / tls.connect. Returning false pauses the socket until `socket.resume()`. */
  readonly onread = {
    buffer: this.#buffer,
    callback: (n: number): boolean => {
      if (this.#target) return this.#target(this.#buffer, n)
      this.#early.push(Buffer.from(this.#buffer.subarray(0, n)))
      return true
    },
  }

  attach(target: ReadTarget): void {
    this.#target = target
    const early = this.#early
    this.#early = []
    for (const b of early) target(b, b.length)
  }
}
