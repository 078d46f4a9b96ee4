import type { ConnectionInfo, TlsFacts } from './connection-info.ts'

/** What a handshake the transport refused had shown by then: the chain, with its pins, and the TLS facts. */
export interface RefusedHandshake extends TlsFacts {
  connectMs: number
  handshakeMs: number
}

/**
 * The handshake, and then the whole connection record, behind an error that refused a server (a pin mismatch, a
 * certificate that does not verify), kept beside the error rather than in it: the error's message and context
 * are what every edge already shows, and only the queue's history wants the chain the server presented.
 */
const handshakes = new WeakMap<Error, RefusedHandshake>()
const connections = new WeakMap<Error, ConnectionInfo>()

export function markRefused<E extends Error>(err: E, handshake: RefusedHandshake): E {
  handshakes.set(err, handshake)
  return err
}

export function refusedHandshake(err: unknown): RefusedHandshake | undefined {
  return err instanceof Error ? handshakes.get(err) : undefined
}

export function attachRefusedConnection(err: Error, info: ConnectionInfo): void {
  connections.set(err, info)
}

/** The refused connection as the transport recorded it, when `err` is a refusal of a completed handshake. */
export function refusedConnection(err: unknown): ConnectionInfo | undefined {
  return err instanceof Error ? connections.get(err) : undefined
}
