import { connect, type Socket } from 'node:net'

import { PinpointError } from '../../shared/pinpoint-error.ts'
import { codeForNodeError } from './node-errors.ts'
import type { ReadRelay } from './read-relay.ts'

export interface TcpAttempt {
  address: string
  port: number
  host: string
  timeoutMs: number
  signal: AbortSignal
  /** Where the socket's reads go (the socket emits no 'data' events). */
  relay: ReadRelay
}

/** A plain TCP connection for http:// URLs: the same candidates and racing as TLS, without the TLS checks. */
export function connectTcp(a: TcpAttempt): Promise<{ socket: Socket; connectMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const at = `${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`
    // An IP-address URL is its own address: say it once.
    const where = a.host === a.address ? at : `${a.host} at ${at}`
    const ctx = { host: a.host, address: a.address, port: a.port }
    let done = false
    const socket = connect({ host: a.address, port: a.port, onread: a.relay.onreadSized })
    const fail = (err: PinpointError) => {
      if (done) return
      done = true
      clearTimeout(timer)
      a.signal.removeEventListener('abort', onAbort)
      socket.destroy()
      reject(err)
    }
    const onAbort = () => fail(new PinpointError('CONNECT_FAILED', `${where}: attempt abandoned`, ctx))
    const timer = setTimeout(
      () => fail(new PinpointError('CONNECT_TIMEOUT', `${where}: no TCP connection within ${a.timeoutMs} ms`, ctx)),
      a.timeoutMs,
    )
    if (a.signal.aborted) return onAbort()
    a.signal.addEventListener('abort', onAbort, { once: true })
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const code = codeForNodeError(err.code) ?? 'CONNECT_FAILED'
      fail(
        new PinpointError(code, `${where}: ${err.code === 'ECONNREFUSED' ? 'connection refused' : err.message}`, {
          ...ctx,
          cause: err.code,
        }),
      )
    })
    socket.once('connect', () => {
      if (done) return
      done = true
      clearTimeout(timer)
      a.signal.removeEventListener('abort', onAbort)
      resolve({ socket, connectMs: performance.now() - started })
    })
  })
}
