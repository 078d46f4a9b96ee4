import type { ConnectionInfo } from '../../shared/connection.ts'
import {
  certificateWords,
  groupConnections,
  groupSummary,
  pinWords,
  tlsLabel,
  verdictOf,
  type Tone,
} from '../connection-trust.ts'
import { CertChain } from './cert-chain.tsx'
import { CtFacts } from './ct-facts.tsx'
import './connection-history.css'

const time = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
})

/** The class a tone is drawn with; neutral is the text's own colour, never a warning or error colour. */
export function toneClass(tone: Tone): string {
  return `tone-${tone}`
}

/**
 * The transfer's connection history, grouped ("4 connections to 127.0.0.1 (SNI a.test), TLS 1.3, pin
 * matched"); each group opens to its connections, and each connection to its chain.
 */
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
      {groupConnections(connections).map((g) => (
        <details key={g.key} className="conn-group" data-testid="connection-group" data-tone={g.verdict.tone}>
          <summary>
            <span className={`trust-chip ${toneClass(g.verdict.tone)}`} data-testid="connection-verdict">
              {g.verdict.label}
            </span>
            <span className="conn-group-summary" data-testid="connection-group-summary">
              {groupSummary(g)}
            </span>
          </summary>
          <ol className="conn-list">
            {g.connections.map((c, i) => (
              <li key={`${c.at}-${i}`} className="conn" data-testid="connection">
                <ConnectionFacts c={c} />
              </li>
            ))}
          </ol>
        </details>
      ))}
    </div>
  )
}

/** One connection, in words whose colour says how it stands; `chain`: with its chain, folded. */
export function ConnectionFacts({ c, chain = true }: { c: ConnectionInfo; chain?: boolean }) {
  const verdict = verdictOf(c)
  const cert = certificateWords(c)
  const pin = pinWords(c)
  return (
    <>
      <dl className="kv">
        <dt>Trust</dt>
        <dd className={toneClass(verdict.tone)} data-testid="connection-trust">
          {verdict.label}
        </dd>
        {c.refused !== undefined && (
          <>
            <dt>Refused</dt>
            <dd className={toneClass('bad')}>{c.refused.message} (no request was sent)</dd>
          </>
        )}
        <dt>Address</dt>
        <dd>
          {c.address}:{c.port}
          {c.reused === true ? ' (kept alive from an earlier request)' : ''}
        </dd>
        <dt>From</dt>
        <dd data-testid="connection-source">{addressSource(c)}</dd>
        {c.proxy !== undefined && (
          <>
            <dt>Proxy</dt>
            <dd data-testid="connection-proxy">
              {c.proxy.url}, asked for {c.proxy.asked}
              {c.proxy.mode === 'forward' ? ' (the proxy sent the request)' : ' (tunnel; TLS end to end)'}
            </dd>
          </>
        )}
        {c.failedProxies !== undefined && c.failedProxies.length > 0 && (
          <>
            <dt>Proxies not reached</dt>
            <dd data-testid="connection-failed-proxies">
              {c.failedProxies.map((f) => `${f.url} (${f.code})`).join(', ')}
              {c.proxy === undefined ? '; connected directly, as the proxy list allows' : ''}
            </dd>
          </>
        )}
        <dt>Host</dt>
        <dd>{c.hostHeader}</dd>
        <dt>SNI</dt>
        <dd>{c.servername ?? '— (none sent)'}</dd>
        <dt>Protocol</dt>
        <dd className={c.protocol === null ? 'muted' : undefined}>
          {c.protocol === null ? 'plain HTTP, not encrypted' : tlsLabel(c.protocol)}
          {c.alpn === null ? '' : ` (${c.alpn})`}
        </dd>
        {c.cipher !== null && (
          <>
            <dt>Cipher</dt>
            <dd>{c.cipher}</dd>
          </>
        )}
        {c.protocol !== null && (
          <>
            <dt>Certificate</dt>
            <dd className={toneClass(cert.tone)} data-testid="connection-certificate">
              {cert.text}
            </dd>
            <dt>Pinned</dt>
            <dd className={toneClass(pin.tone)} data-testid="connection-pinned">
              {pin.text}
            </dd>
          </>
        )}
        {c.ct !== undefined && <CtFacts ct={c.ct} />}
        <dt>Timing</dt>
        <dd>{timing(c)}</dd>
        <dt>When</dt>
        <dd>
          <time dateTime={c.at}>{time.format(new Date(c.at))}</time>
        </dd>
      </dl>
      {chain && c.chain.length > 0 && (
        <details className="conn-chain">
          <summary>Certificate chain ({c.chain.length})</summary>
          <CertChain chain={c.chain} testId="connection-chain" />
        </details>
      )}
    </>
  )
}

function timing(c: ConnectionInfo): string {
  const parts = [`connect ${Math.round(c.connectMs)} ms`]
  if (c.protocol !== null) parts.push(`TLS ${Math.round(c.handshakeMs)} ms`)
  if (c.firstByteMs !== undefined) parts.push(`first byte ${Math.round(c.firstByteMs)} ms`)
  return parts.join(', ')
}

/** Where the address came from: a rule, the URL, which resolver (and why the system one, after DoH), NAT64. */
export function addressSource(c: ConnectionInfo): string {
  const won = c.attempts.find((a) => a.outcome === 'won') ?? c.attempts.find((a) => a.address === c.address)
  if (!won) return 'a connection kept from before'
  const base =
    won.source === 'rule'
      ? 'the host rule'
      : won.source === 'literal'
        ? 'the URL (an IP address)'
        : won.source === 'doh'
          ? `DNS over HTTPS (${won.server ?? 'DoH'})`
          : won.source === 'dns-fallback'
            ? `the system resolver, because DoH was unreachable: ${won.note ?? ''}`
            : won.source === 'proxy'
              ? 'the proxy, which resolved the name'
              : 'the system resolver'
  return won.nat64 ? `${base}; NAT64 from ${won.nat64.from} via ${won.nat64.prefix}` : base
}
