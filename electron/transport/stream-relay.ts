import type { Duplex } from 'node:stream'

import type { ReadRelay } from './read-relay.ts'

/**
 * Feed a stream socket's reads to a ReadRelay, for the sockets net's `onread` cannot serve: a TLS socket over a
 * proxy tunnel, or the tunnel itself carrying plain http. Each chunk goes through the relay's buffer in pieces
 * that fit it; when the reader asks to stop, the socket is paused (the rest of the chunk still goes to it, as a
 * kernel read already under way would with `onread`), and the reader's `socket.resume()` lets it flow again.
 */
export function relayStream(socket: Duplex, relay: ReadRelay): void {
  const { buffer, callback } = relay.onread
  socket.on('data', (chunk: Buffer) => {
    let more = true
    for (let at = 0; at < chunk.length; at += buffer.length) {
      const n = chunk.copy(buffer, 0, at, Math.min(chunk.length, at + buffer.length))
      if (!callback(n)) more = false
    }
    if (!more) socket.pause()
  })
  // A handshake reader leaves the socket paused, and a 'data' listener does not undo an explicit pause.
  socket.resume()
}
