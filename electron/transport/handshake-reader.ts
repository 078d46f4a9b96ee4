import type { Duplex } from 'node:stream'

/**
 * The bytes of a proxy's handshake replies, read in exact amounts. It never reads past what the caller asked
 * for on its own: whatever followed is put back with `release`, so the first bytes of the tunnel reach whoever
 * reads it next (a TLS handshake, an HTTP response).
 */
export class HandshakeReader {
  readonly #socket: Duplex
  #buffered: Buffer = Buffer.alloc(0)
  #wake: (() => void) | undefined
  #gone: Error | undefined
  readonly #closed: () => Error

  /** `closed` builds the error for a socket that ends or fails before the reply is complete. */
  constructor(socket: Duplex, closed: (cause?: Error) => Error) {
    this.#socket = socket
    this.#closed = () => closed()
    socket.on('data', this.#onData)
    socket.on('end', this.#onEnd)
    socket.on('close', this.#onEnd)
    socket.on('error', (err: Error) => this.#stop(closed(err)))
  }

  /** Exactly `n` bytes. */
  async read(n: number): Promise<Buffer> {
    while (this.#buffered.length < n) await this.#more()
    const out = this.#buffered.subarray(0, n)
    this.#buffered = this.#buffered.subarray(n)
    return out
  }

  /** Bytes up to and including the first blank line (an HTTP head); longer than `max`: `tooLong` is thrown. */
  async head(max: number, tooLong: () => Error): Promise<string> {
    for (;;) {
      const end = this.#buffered.indexOf('\r\n\r\n')
      if (end !== -1) {
        const text = this.#buffered.subarray(0, end + 4).toString('latin1')
        this.#buffered = this.#buffered.subarray(end + 4)
        return text
      }
      if (this.#buffered.length > max) throw tooLong()
      await this.#more()
    }
  }

  /** Stop reading; bytes read past the reply go back to the socket, which is left paused. */
  release(): void {
    this.#socket.off('data', this.#onData)
    this.#socket.off('end', this.#onEnd)
    this.#socket.off('close', this.#onEnd)
    this.#socket.pause()
    if (this.#buffered.length > 0) this.#socket.unshift(this.#buffered)
    this.#buffered = Buffer.alloc(0)
  }

  #more(): Promise<void> {
    if (this.#gone) return Promise.reject(this.#gone)
    return new Promise((resolve, reject) => {
      this.#wake = () => {
        this.#wake = undefined
        if (this.#gone) reject(this.#gone)
        else resolve()
      }
    })
  }

  readonly #onData = (chunk: Buffer) => {
    this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk])
    this.#wake?.()
  }

  readonly #onEnd = () => this.#stop(this.#closed())

  #stop(err: Error): void {
    this.#gone ??= err
    this.#wake?.()
  }
}
