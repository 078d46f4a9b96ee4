import { useShallow } from 'zustand/react/shallow'

import type { ConnectionSummary } from '../../shared/connection.ts'
import type { ErrorCode } from '../../shared/errors.ts'
import { useStore } from '../store/index.ts'

/** How far a connection can be trusted, as a colour: green, no colour, amber, red. */
export type TrustLevel = 'ok' | 'plain' | 'warn' | 'bad'

/** Failures of trust itself (not of the network), in the words a row has room for. */
const TRUST_FAILURES: Partial<Record<ErrorCode, string>> = {
  PIN_MISMATCH: 'pinned key did not match',
  TLS_UNTRUSTED: 'certificate not trusted',
  TLS_NAME_MISMATCH: 'certificate is for another name',
  TLS_EXPIRED: 'certificate expired',
  TLS_NOT_YET_VALID: 'certificate not yet valid',
  TLS_HANDSHAKE_FAILED: 'TLS handshake failed',
}

export interface TrustVerdict {
  level: TrustLevel
  /** The verdict in words: the badge's title, and what a screen reader hears after the text. */
  words: string
}

/**
 * The verdict on a transfer's latest connection. A chain that did not verify but whose key a pin accepted is
 * the user's explicit trust (a self-signed server): that is trusted, and said so, never "not verified".
 */
export function trustVerdict(conn: ConnectionSummary | null, failure: ErrorCode | null): TrustVerdict | null {
  const failed = failure === null ? undefined : TRUST_FAILURES[failure]
  if (failed !== undefined) return { level: 'bad', words: `Refused: ${failed}` }
  if (conn === null) return null
  if (conn.protocol === null) return { level: 'plain', words: 'Not encrypted (plain HTTP)' }
  if (conn.pinned === false) {
    return { level: 'warn', words: 'Pinned key did not match (report only: the download went ahead)' }
  }
  if (conn.pinned === true) {
    return conn.verified
      ? { level: 'ok', words: 'Certificate verified, pinned key matched' }
      : { level: 'ok', words: 'Trusted by pinned key (self-signed)' }
  }
  return conn.verified
    ? { level: 'ok', words: 'Certificate verified' }
    : { level: 'warn', words: 'Certificate not verified' }
}

/**
 * Where the transfer's latest connection went and what it trusted: address, SNI, TLS version, pin ✓/✗, coloured
 * by the verdict (green verified or pinned, no colour for plain HTTP, amber for a warning, red for a refusal).
 *
 * Main keeps it per transfer, so every row shows its own without being selected. The selector is shallow over
 * the summary's fields, so a progress batch that leaves the connection alone does not re-render the badge.
 */
export function ConnectionBadge({ id }: { id: number }) {
  const conn = useStore(useShallow((s) => s.transfers.byId[id]?.connection ?? null))
  const failure = useStore((s) => {
    const view = s.transfers.byId[id]
    return view?.state === 'failed' && view.error !== null && view.error.code in TRUST_FAILURES ? view.error.code : null
  })
  const verdict = trustVerdict(conn, failure)
  if (verdict === null) return <span className="connection-badge" data-testid="connection-badge" />
  const text =
    verdict.level === 'bad' ? (TRUST_FAILURES[failure as ErrorCode] ?? '') : badgeText(conn as ConnectionSummary)
  const where = conn === null ? '' : `${hostPort(conn)}${conn.servername ? `, server name ${conn.servername}` : ''}`
  return (
    <span
      className={`connection-badge known trust-${verdict.level}${verdict.level === 'warn' ? ' warn' : ''}`}
      data-testid="connection-badge"
      data-trust={verdict.level}
      data-pinned={conn?.pinned === undefined ? 'none' : String(conn.pinned)}
      title={where === '' ? verdict.words : `${verdict.words} · ${where}`}
    >
      <span className="trust-mark" aria-hidden="true" />
      {text}
    </span>
  )
}

function badgeText(conn: ConnectionSummary): string {
  if (conn.protocol === null) return `${conn.address} · not encrypted`
  const pin = conn.pinned === undefined ? '' : conn.pinned ? 'pin ✓' : 'pin ✗'
  return [conn.address, conn.servername ?? 'no SNI', conn.protocol, pin].filter(Boolean).join(' · ')
}

function hostPort(conn: ConnectionSummary): string {
  return conn.address.includes(':') ? `[${conn.address}]:${conn.port}` : `${conn.address}:${conn.port}`
}
