import { useId } from 'react'

import { MAX_PIN_LABEL_CHARS } from '../../shared/domain.ts'
import { formatPin } from '../../shared/pins.ts'
import { draftPins, withPinLabel, type HostDraft } from '../host-form-model.ts'
import { shownDate } from '../pin-date.ts'
import { HostChecksPanel } from './host-checks-panel.tsx'
import { HostCredentials } from './host-credentials.tsx'
import { ProbePanel } from './probe-panel.tsx'
import { HostCtFields } from './host-ct-fields.tsx'

interface Props {
  draft: HostDraft
  isNew: boolean
  errors: readonly string[]
  onChange: (draft: HostDraft) => void
  onSave: () => void
  onDelete: () => void
  /** The saved rule this form edits (absent for a new one): credentials are kept per saved rule. */
  saved?: { pattern: string; port?: number | undefined } | undefined
}

/** One rule's fields; checked with the shared HostRule schema on save, and probed as typed. */
export function HostForm({ draft, isNew, errors, onChange, onSave, onDelete, saved }: Props) {
  const id = useId()
  const field = <K extends Exclude<keyof HostDraft, 'notes' | 'proxyKept'>>(key: K) => ({
    id: `${id}-${key}`,
    value: draft[key] ?? '',
    onChange: (e: { target: { value: string } }) => onChange({ ...draft, [key]: e.target.value }),
  })
  return (
    <section
      className="host-editor"
      data-testid="host-editor"
      aria-label={isNew ? 'New host rule' : `Rule for ${draft.pattern}`}
    >
      <form
        className="form host-form"
        data-testid="host-form"
        onSubmit={(e) => {
          e.preventDefault()
          onSave()
        }}
      >
        <h2>{isNew ? 'New rule' : `Rule for ${draft.pattern}`}</h2>
        <div className="field-grid">
          <label htmlFor={`${id}-pattern`}>Host</label>
          <input data-testid="host-pattern" placeholder="example.com or *.example.com" {...field('pattern')} />
          <label htmlFor={`${id}-port`}>Port</label>
          <input data-testid="host-port" inputMode="numeric" placeholder="any" {...field('port')} />
          <label htmlFor={`${id}-addresses`}>Connect to</label>
          <input data-testid="host-addresses" placeholder="203.0.113.7, 2001:db8::7" {...field('addresses')} />
          <label htmlFor={`${id}-sni`}>SNI</label>
          <input data-testid="host-sni" placeholder="name sent in TLS (default: the host)" {...field('sni')} />
          <label htmlFor={`${id}-pins`} className="label-top">
            Pins
          </label>
          <div className="host-pins">
            <textarea data-testid="host-pins" rows={3} spellCheck={false} placeholder="sha256//…" {...field('pins')} />
            <PinList draft={draft} onChange={onChange} />
          </div>
          <label htmlFor={`${id}-pinMode`}>Pin mode</label>
          <select data-testid="host-mode" {...field('pinMode')}>
            <option value="enforce">enforce: refuse on mismatch</option>
            <option value="report">report: log a mismatch only</option>
          </select>
          <label htmlFor={`${id}-trust`}>Trust</label>
          <select data-testid="host-trust" {...field('trust')}>
            <option value="ca">CAs (system plus the ones below)</option>
            <option value="pin">pin only (self-signed or private servers)</option>
          </select>
          <HostCtFields id={id} draft={draft} onChange={onChange} />
          <label htmlFor={`${id}-dnsMode`}>Resolve with</label>
          <div className="host-dns">
            <select data-testid="host-dns-mode" {...field('dnsMode')}>
              <option value="inherit">the app's setting</option>
              <option value="system">the system resolver</option>
              <option value="doh">DNS over HTTPS only</option>
              <option value="doh-fallback">DNS over HTTPS, system if unreachable</option>
            </select>
            {draft.dnsMode !== 'inherit' && draft.dnsMode !== 'system' && (
              <input
                data-testid="host-doh-url"
                aria-label="DoH server URL"
                placeholder="https://dns.example/dns-query"
                {...field('dohUrl')}
              />
            )}
          </div>
          <label htmlFor={`${id}-proxy`}>Proxy</label>
          <input
            data-testid="host-proxy"
            spellCheck={false}
            placeholder="the app's setting; direct; or http://, https://, socks5://, socks5h://host:port"
            {...field('proxy')}
          />
          <label htmlFor={`${id}-ca`}>Extra CA (PEM)</label>
          <textarea
            data-testid="host-ca"
            rows={4}
            spellCheck={false}
            placeholder="-----BEGIN CERTIFICATE-----"
            {...field('ca')}
          />
          <label htmlFor={`${id}-publisherKeys`}>Publisher keys</label>
          <textarea
            data-testid="host-publisher-keys"
            rows={3}
            spellCheck={false}
            placeholder="minisign/signify key lines, or armored OpenPGP keys: what this host's files are signed with"
            {...field('publisherKeys')}
          />
        </div>
        <div className="host-error" data-testid="host-error" role="alert">
          {errors.map((e) => (
            <p key={e}>{e}</p>
          ))}
        </div>
        <div className="dialog-buttons">
          <button type="submit" className="primary" data-testid="host-save">
            Save
          </button>
          <button type="button" className="danger" data-testid="host-delete" onClick={onDelete}>
            {isNew ? 'Discard' : 'Delete'}
          </button>
        </div>
      </form>
      {saved !== undefined && <HostCredentials pattern={saved.pattern} port={saved.port} />}
      <ProbePanel />
      <HostChecksPanel />
    </section>
  )
}

/** Each valid pin of the field with its label (editable) and the day it was added. */
function PinList({ draft, onChange }: { draft: HostDraft; onChange: (draft: HostDraft) => void }) {
  const pins = draftPins(draft)
  if (pins.length === 0) return null
  return (
    <ul className="host-pin-list" data-testid="host-pin-list" aria-label="Pin labels">
      {pins.map((pin) => {
        const note = draft.notes[pin]
        const date =
          note === undefined || note.isNew
            ? 'new: dated when saved'
            : note.addedAt === undefined
              ? 'date not recorded'
              : `added ${shownDate(note.addedAt)}`
        return (
          <li key={pin} className="host-pin-item" data-testid="host-pin-item">
            <code className="host-pin-value">{formatPin(pin)}</code>
            <input
              data-testid="host-pin-label"
              aria-label={`Label of ${formatPin(pin)}`}
              placeholder="label: whose key, how checked"
              maxLength={MAX_PIN_LABEL_CHARS}
              value={note?.label ?? ''}
              onChange={(e) => onChange(withPinLabel(draft, pin, e.target.value))}
            />
            <span className="muted host-pin-date">{date}</span>
          </li>
        )
      })}
    </ul>
  )
}
