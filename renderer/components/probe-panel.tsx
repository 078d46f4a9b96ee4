import { useId, useState } from 'react'

import type { Output } from '../../shared/ipc.ts'
import { command } from '../commands.ts'
import { ruleFromDraft, withPin, type HostDraft } from '../host-form-model.ts'
import { CertChain, pinOf, type ChainEntry } from './cert-chain.tsx'
import { ConfirmPinDialog } from './confirm-pin-dialog.tsx'

interface Props {
  draft: HostDraft
  onChange: (draft: HostDraft) => void
  setErrors: (errors: string[]) => void
}

/**
 * Try the rule being edited against a URL before saving it, and pin a presented key.
 *
 * Pinning goes through a confirmation: a probe shows whatever the network presented, which is exactly what an
 * attacker in the path would control, so the user is asked to check the key before trusting it.
 */
export function ProbePanel({ draft, onChange, setErrors }: Props) {
  const urlId = useId()
  const [url, setUrl] = useState(
    draft.pattern === '' || draft.pattern.startsWith('*') ? '' : `https://${draft.pattern}/`,
  )
  const [busy, setBusy] = useState(false)
  const [report, setReport] = useState<Output<'hosts:probe'> | null>(null)
  const [pinning, setPinning] = useState<ChainEntry | null>(null)

  const probe = async () => {
    let rule
    if (draft.pattern.trim() !== '') {
      const checked = ruleFromDraft(draft)
      if (!checked.ok) return setErrors(checked.errors)
      rule = checked.rule
    }
    setErrors([])
    setBusy(true)
    const result = await command('hosts:probe', { url: url.trim(), ...(rule === undefined ? {} : { rule }) })
    setBusy(false)
    if (result !== undefined) setReport(result)
  }

  return (
    <section className="probe" aria-label="Probe">
      <h3>Probe</h3>
      <div className="field-row">
        <label htmlFor={urlId}>URL</label>
        <input
          id={urlId}
          data-testid="host-probe-url"
          type="url"
          placeholder="https://example.com/"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <button
          type="button"
          data-testid="host-probe"
          disabled={busy || url.trim() === ''}
          onClick={() => void probe()}
        >
          {busy ? 'Probing…' : 'Probe'}
        </button>
      </div>
      {report !== null && <ProbeResult report={report} onPin={setPinning} />}
      {pinning !== null && (
        <ConfirmPinDialog
          cert={pinning}
          onAnswer={(yes) => {
            if (yes) onChange(withPin(draft, pinOf(pinning)))
            setPinning(null)
          }}
        />
      )}
    </section>
  )
}

function ProbeResult({ report, onPin }: { report: Output<'hosts:probe'>; onPin: (cert: ChainEntry) => void }) {
  const verdict = report.error
    ? `Failed: ${report.error.code}: ${report.error.message}`
    : report.verified
      ? 'Certificate verified'
      : `Not verified${report.verifyError === undefined ? '' : `: ${report.verifyError}`}`
  return (
    <div className="probe-result" data-testid="probe-result">
      <p className={report.error || !report.verified ? 'bad' : 'ok'}>{verdict}</p>
      <dl className="kv">
        <dt>Connected to</dt>
        <dd>{report.address === null ? '—' : `${report.address}:${report.port}`}</dd>
        <dt>SNI</dt>
        <dd>{report.servername ?? '— (none sent)'}</dd>
        <dt>TLS</dt>
        <dd>{[report.protocol, report.cipher, report.alpn].filter(Boolean).join(', ') || '—'}</dd>
        <dt>Pin</dt>
        <dd>{report.pinned === undefined ? 'no pins in the rule' : report.pinned ? 'matched ✓' : 'no match ✗'}</dd>
      </dl>
      <h4>Addresses tried</h4>
      <table className="attempts">
        <thead>
          <tr>
            <th scope="col">Address</th>
            <th scope="col">From</th>
            <th scope="col">Outcome</th>
            <th scope="col">Time</th>
          </tr>
        </thead>
        <tbody>
          {report.attempts.map((a, i) => (
            <tr key={i} className="attempt">
              <td>
                {a.address}:{a.port}
              </td>
              <td>{a.source}</td>
              <td>{a.error === undefined ? a.outcome : `${a.outcome} (${a.error.code}: ${a.error.message})`}</td>
              <td>{a.elapsedMs === undefined ? '—' : `${Math.round(a.elapsedMs)} ms`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>Chain</h4>
      <CertChain chain={report.chain} onPin={onPin} />
    </div>
  )
}
