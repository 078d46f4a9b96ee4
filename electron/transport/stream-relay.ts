import type { Duplex } from 'node:stream'

import type { ReadRelay } from './read-relay.ts'

/**
 * Feed a stream socket's reads to a ReadRelay, for the sockets net's `onread` cannot serve: a TLS socket over a
 * proxy tunnel (Node's TLS socket drops `onread` when it runs over an existing socket), or the tunnel itself
 * carrying plain http. Each chunk is the stream's own, new for every read, so it goes to the reader as it is,
 * with no copy into the relay's buffer. When the reader asks to stop, the socket is paused (the chunk in hand
 * has gone to it whole, as a kernel read already under way would with `onread`), and the reader's
 * `socket.resume()` lets it flow again.
 */
export function relayStream(socket: Duplex, relay: ReadRelay): void {
  socket.on('data', (chunk: Buffer) => {
    if (!relay.deliver(chunk)) socket.pause()
  })
  // A handshake reader leaves the socket paused, and a 'data' listener does not undo an explicit pause.
  socket.resume()
}
