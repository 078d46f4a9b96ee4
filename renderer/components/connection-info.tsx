import type { ConnectionInfo } from '../../shared/connection.ts'

function yesNo(value: boolean | undefined, unknown = '—'): string {
  return value === undefined ? unknown : value ? 'yes ✓' : 'no ✗'
}

/** Each connection the transfer made: where to, the name it presented, and what was verified. */
export function ConnectionInfoList({ connections }: { connections: readonly ConnectionInfo[] }) {
  if (connections.length === 0) {
    return (
      <div className="connection-info" data-testid="connection-info">
        <p className="muted">No connection yet.</p>
      </div>
    )
  }
  return (
    <div className="connection-info" data-testid="connection-info">
      {connections.map((c, i) => (
        <dl key={`${c.at}-${i}`} className="kv">
          <dt>Address</dt>
          <dd>
            {c.address}:{c.port}
          </dd>
          <dt>Host</dt>
          <dd>{c.hostHeader}</dd>
          <dt>SNI</dt>
          <dd>{c.servername ?? '— (none sent)'}</dd>
          <dt>Protocol</dt>
          <dd>
            {c.protocol ?? 'plain HTTP'}
            {c.alpn === null ? '' : ` (${c.alpn})`}
          </dd>
          <dt>Cipher</dt>
          <dd>{c.cipher ?? '—'}</dd>
          <dt>Verified</dt>
          <dd className={c.verified ? 'ok' : 'bad'}>
            {yesNo(c.verified)}
            {c.verifyError === undefined ? '' : ` (${c.verifyError})`}
          </dd>
          <dt>Pinned</dt>
          <dd className={c.pinned === false ? 'bad' : c.pinned ? 'ok' : undefined}>
            {yesNo(c.pinned, 'no pin rule')}
            {c.pinMode === undefined ? '' : ` (${c.pinMode})`}
          </dd>
          <dt>Timing</dt>
          <dd>
            connect {Math.round(c.connectMs)} ms, handshake {Math.round(c.handshakeMs)} ms
          </dd>
        </dl>
      ))}
    </div>
  )
}
