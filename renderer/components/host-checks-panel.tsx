import { useState } from 'react'

import { formatSpeed } from '../../shared/format.ts'
import type { Output } from '../../shared/ipc.ts'
import { command } from '../commands.ts'
import { probeUrlOf, saveHostDraft } from '../host-editor-actions.ts'
import { ruleFromDraft } from '../host-form-model.ts'
import { appStore, useStore } from '../store/index.ts'
import './host-checks-panel.css'

type Compare = Output<'hosts:compareDns'>
type Nodes = Output<'hosts:measureNodes'>

/**
 * Two checks of the host being edited, at the probe's URL: whether the system resolver and DoH agree (and which
 * of their addresses can prove they are the host), and how fast each candidate node is. Verified DoH addresses
 * can become the rule's addresses in one step; a measurement orders the host's nodes for later downloads.
 */
export function HostChecksPanel() {
  const editor = useStore((s) => s.hostEditor)
  const [busy, setBusy] = useState<'compare' | 'nodes' | null>(null)
  const [compare, setCompare] = useState<Compare | null>(null)
  const [nodes, setNodes] = useState<Nodes | null>(null)
  if (editor === null) return null
  const url = probeUrlOf(editor).trim()
  const rule = () => {
    if (editor.draft.pattern.trim() === '') return {}
    const checked = ruleFromDraft(editor.draft)
    return checked.ok ? { rule: checked.rule } : {}
  }
  const run = async <T,>(which: 'compare' | 'nodes', go: () => Promise<T | undefined>, set: (r: T) => void) => {
    setBusy(which)
    try {
      const r = await go()
      if (r !== undefined) set(r)
    } finally {
      setBusy(null)
    }
  }
  const verifiedDoh = compare?.checks.filter((c) => c.verdict === 'verifies' && c.from.includes('doh')) ?? []
  const adoptDohAddresses = async () => {
    const draft = { ...editor.draft, addresses: verifiedDoh.map((c) => c.address).join(', ') }
    appStore.getState().patchHostEditor({ draft }, editor.session)
    await saveHostDraft(draft)
  }
  return (
    <section className="host-checks" aria-label="Resolver and nodes">
      <div className="field-row">
        <button
          type="button"
          data-testid="host-compare-dns"
          disabled={busy !== null || url === ''}
          onClick={() => void run('compare', () => command('hosts:compareDns', { url, ...rule() }), setCompare)}
        >
          {busy === 'compare' ? 'Comparing…' : 'Compare DNS'}
        </button>
        <button
          type="button"
          data-testid="host-measure-nodes"
          disabled={busy !== null || url === ''}
          onClick={() => void run('nodes', () => command('hosts:measureNodes', { url, ...rule() }), setNodes)}
        >
          {busy === 'nodes' ? 'Measuring…' : 'Measure nodes'}
        </button>
      </div>
      {compare !== null && (
        <div data-testid="dns-compare" data-verdict={compare.verdict}>
          <p className={`verdict verdict-${compare.verdict}`} role="status" data-testid="dns-compare-summary">
            {compare.summary}
          </p>
          <dl className="answers">
            <dt>System resolver</dt>
            <dd>{compare.system.error?.message ?? (compare.system.addresses.join(', ') || 'no addresses')}</dd>
            <dt>DoH ({compare.doh.resolver})</dt>
            <dd>{compare.doh.error?.message ?? (compare.doh.addresses.join(', ') || 'no addresses')}</dd>
          </dl>
          <table className="checks">
            <thead>
              <tr>
                <th>Address</th>
                <th>From</th>
                <th>Certificate</th>
              </tr>
            </thead>
            <tbody>
              {compare.checks.map((c) => (
                <tr key={c.address} data-testid="dns-check" data-verdict={c.verdict}>
                  <td>{c.address}</td>
                  <td>{c.from.join(' + ')}</td>
                  <td className={`check-${c.verdict}`} title={c.detail}>
                    {c.verdict === 'verifies'
                      ? 'verifies'
                      : `${c.verdict.replace('-', ' ')}${c.detail ? `: ${c.detail}` : ''}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {verifiedDoh.length > 0 && (
            <button type="button" data-testid="use-doh-addresses" onClick={() => void adoptDohAddresses()}>
              Use the verified DoH addresses ({verifiedDoh.map((c) => c.address).join(', ')}) for this rule
            </button>
          )}
        </div>
      )}
      {nodes !== null && (
        <table className="checks" data-testid="node-table">
          <caption>Nodes of {nodes.host}, best first</caption>
          <thead>
            <tr>
              <th>Address</th>
              <th>Connect</th>
              <th>TLS</th>
              <th>First byte</th>
              <th>Throughput</th>
            </tr>
          </thead>
          <tbody>
            {nodes.nodes.map((n) => (
              <tr key={n.address} data-testid="node-row">
                <td>{n.address}</td>
                {n.error ? (
                  <td colSpan={4} className="check-failed">
                    {n.error.message}
                  </td>
                ) : (
                  <>
                    <td>{n.connectMs} ms</td>
                    <td>{n.handshakeMs} ms</td>
                    <td>{n.firstByteMs} ms</td>
                    <td>{formatSpeed(n.bytesPerSecond ?? 0)}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
