import type { ConnectionInfo } from '../../shared/connection.ts'

/**
 * A line for the transfer's log when a connection went to another node than the first it tried (the node the
 * download was on, or the ranking's best) because that one failed: which node failed, why, and where the
 * transfer went on. Undefined when the first node tried is the one that answered.
 */
export function failoverNote(info: ConnectionInfo): string | undefined {
  const first = info.attempts[0]
  if (!first || first.outcome !== 'failed') return undefined
  const failed = info.attempts
    .filter((a) => a.outcome === 'failed')
    .map((a) => `${a.address} (${a.error ? `${a.error.code}: ${a.error.message}` : 'failed'})`)
  return `${failed.join(', ')} failed; went on from ${info.address}`
}
