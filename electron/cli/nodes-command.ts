import { exitCodeFor, type ErrorCode } from '../../shared/errors.ts'
import { formatSpeed } from '../../shared/format.ts'
import type { NodeReport } from '../../shared/nodes.ts'
import { isPinpointError, PinpointError } from '../../shared/pinpoint-error.ts'
import { parseRate } from '../../shared/rate.ts'
import { splitCredentials } from '../../shared/url-credentials.ts'
import { openStore } from '../store/open-store.ts'
import { DEFAULT_NODE_BYTES, measureNodes } from '../transport/node-probe.ts'
import { createTransport } from '../transport/transport.ts'
import { connectSetup, parseUrl, profileOf, type ConnectFlags } from './connect-options.ts'
import type { CliIo } from './io.ts'
import { stateDirOf } from './open-engine.ts'

/**
 * `pinpoint probe --nodes URL`: every candidate node measured, best first; exit 0 when any node answered. A
 * measurement in which some node answered is kept in the state folder, where it orders the host's nodes for the
 * downloads that follow (as one made in the Hosts view does).
 */
export async function nodesCommand(
  urlText: string,
  flags: ConnectFlags & { json?: boolean; nodesBytes?: string; stateDir?: string },
  io: CliIo,
): Promise<number> {
  const url = new URL(splitCredentials(parseUrl(urlText).href).url)
  const bytes = flags.nodesBytes === undefined ? DEFAULT_NODE_BYTES : parseRate(flags.nodesBytes)
  if (bytes === undefined || bytes < 1 || bytes > 1024 ** 3) {
    throw new PinpointError(
      'BAD_INPUT',
      `--nodes-bytes "${flags.nodesBytes}": expected a size like 512K or 4M, up to 1G`,
    )
  }
  const setup = await connectSetup(flags, [url])
  const transport = createTransport({
    rules: () => [],
    ...(setup.ca ? { ca: setup.ca } : {}),
    ...(setup.connectTimeoutMs ? { connectTimeoutMs: setup.connectTimeoutMs } : {}),
  })
  const profile = profileOf(setup)
  const report = await measureNodes(transport, url, { bytes, ...(profile ? { profile } : {}) })
  io.stdout(flags.json ? `${JSON.stringify(report)}\n` : `${formatNodes(report)}\n`)
  const best = report.nodes[0]
  if (!best || best.error === undefined) {
    keepRanking(report, flags, io)
    return 0
  }
  io.stderr(`pinpoint: no node of ${report.host} answered: ${best.error.message}\n`)
  return exitCodeFor(best.error.code as ErrorCode)
}

/**
 * Store the ranking for later downloads. The measurement itself already succeeded, so a state folder that cannot
 * take it (held by the app or `pinpoint serve`) is said on stderr and does not change the exit code.
 */
function keepRanking(report: NodeReport, flags: { stateDir?: string }, io: CliIo): void {
  let store: ReturnType<typeof openStore> | undefined
  try {
    store = openStore({ dir: stateDirOf(flags, io) })
    store.nodeRankings.put(report, Date.now())
  } catch (err) {
    if (!isPinpointError(err)) throw err
    const why = err.code === 'STATE_LOCKED' ? 'the app or pinpoint serve holds the state folder' : err.message
    io.stderr(`pinpoint: the ranking was not kept for later downloads: ${why}\n`)
  } finally {
    store?.close()
  }
}

export function formatNodes(r: NodeReport): string {
  const ms = (n: number | undefined) => (n === undefined ? '-' : `${n} ms`)
  const lines = [`${r.host}:${r.port}, best first`]
  lines.push(
    `  ${'address'.padEnd(40)} ${'from'.padEnd(12)} ${'connect'.padStart(9)} ${'TLS'.padStart(9)} ${'first byte'.padStart(11)}  throughput`,
  )
  for (const n of r.nodes) {
    const addr = n.address.includes(':') ? `[${n.address}]` : n.address
    const head = `  ${addr.padEnd(40)} ${n.source.padEnd(12)}`
    if (n.error) {
      lines.push(`${head} failed: ${n.error.message}`)
      continue
    }
    lines.push(
      `${head} ${ms(n.connectMs).padStart(9)} ${ms(n.handshakeMs).padStart(9)} ${ms(n.firstByteMs).padStart(11)}  ${formatSpeed(n.bytesPerSecond ?? 0)}`,
    )
  }
  return lines.join('\n')
}
