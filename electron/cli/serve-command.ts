import { mkdir, readFile, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { createSecureContext } from 'node:tls'

import { exitCodeFor } from '../../shared/errors.ts'
import { MAX_ROOTS } from '../../shared/ipc.ts'
import { isPinpointError } from '../../shared/pinpoint-error.ts'
import { startServe, type Daemon } from '../serve/start-serve.ts'
import { TOKEN_FILE } from '../serve/token-file.ts'
import type { CliIo } from './io.ts'
import { stateDirOf } from './open-engine.ts'
import { unreadable } from './unreadable.ts'

const USAGE = 2
const LOCAL = 7
const INTERRUPTED = 8
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])

export interface ServeFlags {
  port?: string
  host?: string
  root?: string[]
  stateDir?: string
  tlsCert?: string
  tlsKey?: string
  /** `--token-file` alone is `true`: the file in the state folder. */
  tokenFile?: string | true
  /** Set by `npm start`'s fallback, which opens the browser itself. */
  rendererDir?: string
}

/**
 * Run the engine and queue as a daemon until SIGINT or SIGTERM, then stop gracefully (flush, fsync, commit)
 * and exit 8, as an interrupted `pinpoint get` does. Prints the URL with this run's token on stdout: a fresh
 * one, or with `--token-file` the one kept in that file, so the URL stays the same across restarts.
 *
 * A start that cannot succeed prints one line naming the cause and exits: 2 for what the flags say (a bad
 * port, too many or missing --root folders, an unreadable --tls-cert or --tls-key, a token file others could
 * read or that is a symlink), 7 for what the machine says (the port is in use, another process holds the state
 * folder).
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
  if (roots.length > MAX_ROOTS) {
    io.stderr(`pinpoint: at most ${MAX_ROOTS} --root folders, not ${roots.length}\n`)
    return USAGE
  }
  for (const root of roots) {
    const problem = await folderProblem(root)
    if (problem) {
      io.stderr(`pinpoint: --root: ${problem}\n`)
      return USAGE
    }
  }
  if (roots.length === 0) {
    const downloads = join(homedir(), 'Downloads')
    await mkdir(downloads, { recursive: true })
    roots = [downloads]
  }
  const tls =
    flags.tlsCert && flags.tlsKey
      ? { cert: resolve(io.cwd, flags.tlsCert), key: resolve(io.cwd, flags.tlsKey) }
      : undefined
  if (tls) {
    const problem = await tlsProblem(tls)
    if (problem) {
      io.stderr(`pinpoint: ${problem}\n`)
      return USAGE
    }
  }
  const stateDir = stateDirOf(flags, io)
  const tokenFile =
    flags.tokenFile === undefined
      ? undefined
      : flags.tokenFile === true
        ? join(stateDir, TOKEN_FILE)
        : resolve(io.cwd, flags.tokenFile)
  let daemon: Daemon
  try {
    daemon = await startServe({
      port,
      host,
      roots,
      stateDir,
      ...(tokenFile ? { tokenFile } : {}),
      ...(flags.rendererDir ? { rendererDir: flags.rendererDir } : {}),
      ...(tls ? { tls } : {}),
    })
  } catch (err) {
    const failure = startFailure(err, host, port)
    if (!failure) throw err
    io.stderr(`pinpoint: ${failure.message}\n`)
    return failure.exit
  }
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

/** Why a --root cannot be used, or undefined when it is a folder. */
async function folderProblem(path: string): Promise<string | undefined> {
  try {
    if (!(await stat(path)).isDirectory()) return `${path} is not a folder`
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return code === 'ENOENT' ? `the folder ${path} does not exist` : `cannot use the folder ${path}: ${code}`
  }
  return undefined
}

/** Why the certificate and key cannot serve HTTPS (a file unreadable, or not a PEM pair), or undefined. */
async function tlsProblem(tls: { cert: string; key: string }): Promise<string | undefined> {
  const files: Record<string, Buffer> = {}
  for (const [flag, path] of [
    ['--tls-cert', tls.cert],
    ['--tls-key', tls.key],
  ] as const) {
    try {
      files[flag] = await readFile(path)
    } catch (err) {
      return `${flag}: cannot read ${path}: ${unreadable(err)}`
    }
  }
  try {
    createSecureContext({ cert: files['--tls-cert'], key: files['--tls-key'] })
  } catch (err) {
    return `--tls-cert/--tls-key: not a usable PEM certificate and key: ${(err as Error).message}`
  }
  return undefined
}

/** An expected start-up failure as one line and an exit code; undefined for a bug, which keeps its stack. */
function startFailure(err: unknown, host: string, port: number): { message: string; exit: number } | undefined {
  if (isPinpointError(err)) return { message: err.message, exit: exitCodeFor(err.code) }
  const { code, syscall } = err as NodeJS.ErrnoException
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`
  if (syscall === 'getaddrinfo') return { message: `--host: cannot resolve ${host} (${code})`, exit: USAGE }
  if (syscall !== 'listen') return undefined
  if (code === 'EADDRINUSE') return { message: `cannot listen on ${where}: the port is in use`, exit: LOCAL }
  if (code === 'EADDRNOTAVAIL') {
    return { message: `--host: ${host} is not an address of this machine (${code})`, exit: USAGE }
  }
  if (code === 'EACCES') return { message: `cannot listen on ${where}: permission denied`, exit: LOCAL }
  return { message: `cannot listen on ${where}: ${code}`, exit: LOCAL }
}
