import { useId, useState } from 'react'

import type { Output } from '../../shared/ipc.ts'
import { isDirty, pinAndSave, probeHost, probeUrlOf, ruleDraftForPin } from '../host-editor-actions.ts'
import { ruleKey } from '../store/hosts-slice.ts'
import { appStore, useStore } from '../store/index.ts'
import { CertChain, pinOf, type ChainEntry } from './cert-chain.tsx'
import { ConfirmPinDialog, type PinTarget } from './confirm-pin-dialog.tsx'
import { CtFacts } from './ct-facts.tsx'
import { probeVerdict } from '../probe-verdict.ts'

type Report = Output<'hosts:probe'>

/**
 * Try the rule being edited against a URL, and pin a presented key.
 *
 * Pinning goes through a confirmation: a probe shows whatever the network presented, which is exactly what an
 * attacker in the path would control, so the user is asked to check the key before trusting it. The confirmed
 * pin is saved with the rule at once and the probe runs again, so what the view shows is what the next
 * connection will meet.
 */
export function ProbePanel() {
  const urlId = useId()
  const editor = useStore((s) => s.hostEditor)
  const rules = useStore((s) => s.hosts.rules)
  const [pinning, setPinning] = useState<{ cert: ChainEntry; target: PinTarget } | null>(null)
  if (editor === null) return null
  const url = probeUrlOf(editor)
  const { probing, report } = editor

  const askPin = (cert: ChainEntry) => {
    if (report === null) return
    const draft = ruleDraftForPin(editor)
    const key = ruleKey({
      pattern: draft.pattern.trim().toLowerCase(),
      ...(/^\d+$/.test(draft.port.trim()) ? { port: Number(draft.port.trim()) } : {}),
    })
    const leaf = report.chain[0] === cert
    setPinning({
      cert,
      target: {
        rule: key,
        exists: rules.some((r) => ruleKey(r) === key),
        trust: draft.trust,
        offerTrust: leaf && draft.trust === 'ca' && !report.verified,
        otherEdits: editor.original !== null && isDirty(editor),
      },
    })
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
          onChange={(e) => appStore.getState().patchHostEditor({ probeUrl: e.target.value }, editor.session)}
        />
        <button
          type="button"
          data-testid="host-probe"
          disabled={probing || url.trim() === ''}
          onClick={() => {
            // A probe the user asks for is about the rule as it is now, not the pin saved before.
            appStore.getState().patchHostEditor({ pinned: null }, editor.session)
            void probeHost()
          }}
        >
          {probing ? 'Probing…' : 'Probe'}
        </button>
      </div>
      {editor.pinned !== null && (
        <p className="ok" data-testid="probe-pinned" role="status">
          {editor.pinned}
        </p>
      )}
      {report !== null && <ProbeResult report={report} onPin={askPin} />}
      {pinning !== null && (
        <ConfirmPinDialog
          cert={pinning.cert}
          target={pinning.target}
          onAnswer={(yes, answer) => {
            const cert = pinning.cert
            setPinning(null)
            if (yes && answer !== undefined) void pinAndSave({ pin: pinOf(cert), ...answer })
          }}
        />
      )}
    </section>
  )
}

function ProbeResult({ report, onPin }: { report: Report; onPin: (cert: ChainEntry) => void }) {
  const { text, ok } = probeVerdict(report)
  return (
    <div className="probe-result" data-testid="probe-result">
      <p className={ok ? 'ok' : 'bad'} data-testid="probe-verdict">
        {text}
      </p>
      <NextStep report={report} />
      <dl className="kv">
        <dt>Connected to</dt>
        <dd>{report.address === null ? '—' : `${report.address}:${report.port}`}</dd>
        <dt>SNI</dt>
        <dd>{report.servername ?? '— (none sent)'}</dd>
        <dt>TLS</dt>
        <dd>{[report.protocol, report.cipher, report.alpn].filter(Boolean).join(', ') || '—'}</dd>
        <dt>Pin</dt>
        <dd data-testid="probe-pin">
          {report.pinned === undefined ? 'no pins in the rule' : report.pinned ? 'matched ✓' : 'no match ✗'}
        </dd>
        {report.ct !== undefined && <CtFacts ct={report.ct} />}
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

/** What to do next, when there is an obvious next step. */
function NextStep({ report }: { report: Report }) {
  const leaf = report.chain[0]
  let text: string | null = null
  if (report.pinned === false && leaf !== undefined) {
    text = `The server presented a key the rule does not pin (${pinOf(leaf)}). If the key was changed on purpose, check the new one with the server's administrator, then "Pin this key".`
  } else if (report.error !== undefined && leaf !== undefined && /^TLS_/.test(report.error.code)) {
    text =
      'The certificate is not verified by a CA (a self-signed or private server). If you have checked the key below another way, "Pin this key" on the leaf trusts this server by that key and saves the rule.'
  } else if (report.error === undefined && report.pinned === undefined && leaf !== undefined) {
    text = `Optional: "Pin this key" to accept only this key (or its CA's) from now on.`
  }
  if (text === null) return null
  return (
    <p className="probe-next muted" data-testid="probe-next">
      {text}
    </p>
  )
}
