import { mkdir } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

import { startServe } from '../serve/start-serve.ts'
import type { CliIo } from './io.ts'
import { stateDirOf } from './open-engine.ts'

const INTERRUPTED = 8
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])

export interface ServeFlags {
  port?: string
  host?: string
  root?: string[]
  stateDir?: string
  tlsCert?: string
  tlsKey?: string
  /** Set by `npm start`'s fallback, which opens the browser itself. */
  rendererDir?: string
}

/**
 * Run the engine and queue as a daemon until SIGINT or SIGTERM, then stop gracefully (flush, fsync, commit)
 * and exit 8, as an interrupted `pinpoint get` does. Prints the URL with this run's token on stdout.
 */
export async function serveCommand(flags: ServeFlags, io: CliIo): Promise<number> {
  const port = Number(flags.port ?? '7878')
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr(`pinpoint: --port: expected 0-65535, not ${flags.port}\n`)
    return 2
  }
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) {
    io.stderr('pinpoint: --tls-cert and --tls-key go together\n')
    return 2
  }
  const host = flags.host ?? '127.0.0.1'
  let roots = (flags.root ?? []).map((r) => resolve(io.cwd, r))
  if (roots.length === 0) {
    const downloads = join(homedir(), 'Downloads')
    await mkdir(downloads, { recursive: true })
    roots = [downloads]
  }
  const daemon = await startServe({
    port,
    host,
    roots,
    stateDir: stateDirOf(flags, io),
    ...(flags.rendererDir ? { rendererDir: flags.rendererDir } : {}),
    ...(flags.tlsCert && flags.tlsKey
      ? { tls: { cert: resolve(io.cwd, flags.tlsCert), key: resolve(io.cwd, flags.tlsKey) } }
      : {}),
  })
  if (!LOOPBACK.has(host)) {
    const plain = flags.tlsCert ? '' : ' without TLS (the token crosses the network in clear; use --tls-cert/--tls-key)'
    io.stderr(`pinpoint: listening on ${host}, reachable from other machines${plain}\n`)
  }
  io.stdout(`pinpoint serve: open ${daemon.url}\n`)
  await new Promise<void>((done) => {
    const off = io.onSignal(() => {
      off()
      done()
    })
  })
  await daemon.close()
  io.stderr('pinpoint: stopped; progress saved\n')
  return INTERRUPTED
}
