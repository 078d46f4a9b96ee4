import { useStore } from '../store/index.ts'

/**
 * Where the transfer's last connection went and what it trusted: address, SNI, TLS version, pin ✓/✗.
 *
 * Known only for the transfer whose details are loaded (the focused one); others show an empty badge rather
 * than a guess.
 */
export function ConnectionBadge({ id }: { id: number }) {
  const conn = useStore((s) => (s.ui.details?.id === id ? s.ui.details.data.connections.at(-1) : undefined))
  if (conn === undefined) return <span className="connection-badge" data-testid="connection-badge" />
  const pin = conn.pinned === undefined ? '' : conn.pinned ? 'pin ✓' : 'pin ✗'
  const parts = [conn.address, conn.servername ?? 'no SNI', conn.protocol ?? 'plain HTTP', pin].filter(Boolean)
  return (
    <span
      className={`connection-badge known${conn.pinned === false || !conn.verified ? ' warn' : ''}`}
      data-testid="connection-badge"
      title={conn.verifyError ?? (conn.verified ? 'certificate verified' : 'not verified')}
    >
      {parts.join(' · ')}
    </span>
  )
}
