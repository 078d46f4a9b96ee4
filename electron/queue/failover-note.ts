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

/**
 * A line for the transfer's log when proxies of a failover list (the system's PAC answer) could not be reached:
 * which failed, why, and what carried the connection instead. Undefined when the first entry was used.
 */
export function proxyFailoverNote(info: ConnectionInfo): string | undefined {
  if (!info.failedProxies?.length) return undefined
  const failed = info.failedProxies.map((f) => `${f.message} (${f.code})`)
  const used = info.proxy ? `through proxy ${info.proxy.url}` : 'directly, as the proxy list allows'
  return `${failed.join(', ')} failed; connected ${used}`
}
