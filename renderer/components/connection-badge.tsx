import { useShallow } from 'zustand/react/shallow'

import type { ConnectionSummary } from '../../shared/connection.ts'
import { useStore } from '../store/index.ts'

/**
 * Where the transfer's latest connection went and what it trusted: address, SNI, TLS version, pin ✓/✗.
 *
 * Main keeps it per transfer, so every row shows its own without being selected. The selector is shallow over
 * the summary's fields, so a progress batch that leaves the connection alone does not re-render the badge.
 */
export function ConnectionBadge({ id }: { id: number }) {
  const conn = useStore(useShallow((s) => s.transfers.byId[id]?.connection ?? null))
  if (conn === null) return <span className="connection-badge" data-testid="connection-badge" />
  const text = badgeText(conn)
  const warn = conn.pinned === false || !conn.verified
  return (
    <span
      className={`connection-badge known${warn ? ' warn' : ''}`}
      data-testid="connection-badge"
      data-pinned={conn.pinned === undefined ? 'none' : String(conn.pinned)}
      title={`${hostPort(conn)} · ${conn.verified ? 'certificate verified' : 'not verified'}`}
    >
      {text}
    </span>
  )
}

function badgeText(conn: ConnectionSummary): string {
  const pin = conn.pinned === undefined ? '' : conn.pinned ? 'pin ✓' : 'pin ✗'
  return [conn.address, conn.servername ?? 'no SNI', conn.protocol ?? 'plain HTTP', pin].filter(Boolean).join(' · ')
}

function hostPort(conn: ConnectionSummary): string {
  return conn.address.includes(':') ? `[${conn.address}]:${conn.port}` : `${conn.address}:${conn.port}`
}
