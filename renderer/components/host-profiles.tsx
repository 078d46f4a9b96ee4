import { useRef, useState } from 'react'

import type { HostRule } from '../../shared/domain.ts'
import { ruleKey } from '../../shared/host-profile.ts'
import { command } from '../commands.ts'
import { errorText } from '../error-text.ts'
import { applyProfileImport, closeProfileImport, openProfileFiles, useProfileImport } from '../profile-import.ts'
import { Modal } from './modal.tsx'
import './host-profiles.css'

/**
 * Host profiles in the Hosts view: import a signed profile (picked here, or dropped anywhere on the window) and
 * export the rules unsigned, with the minisign command that signs the file. The app never holds a secret key.
 */
export function HostProfiles() {
  const input = useRef<HTMLInputElement>(null)
  const [exporting, setExporting] = useState(false)
  return (
    <div className="host-profiles" data-testid="host-profiles">
      <button type="button" data-testid="profile-import" onClick={() => input.current?.click()}>
        Import profile…
      </button>
      <button type="button" data-testid="profile-export" onClick={() => setExporting(true)}>
        Export profile…
      </button>
      <span className="muted">or drop a .pinpoint-profile file (with its .minisig) on the window</span>
      <input
        ref={input}
        type="file"
        hidden
        multiple
        accept=".pinpoint-profile,.json,.minisig"
        data-testid="profile-file"
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])]
          e.currentTarget.value = ''
          if (files.length > 0) void openProfileFiles(files)
        }}
      />
      <ProfileImportDialog />
      {exporting && <ProfileExportDialog onClose={() => setExporting(false)} />}
    </div>
  )
}

/** The checked profile: its key (to trust, the first time), the diff, and a choice for each conflict. */
function ProfileImportDialog() {
  const { file, check, error, busy } = useProfileImport((s) => s)
  const [trusted, setTrusted] = useState(false)
  const [take, setTake] = useState<string[]>([])
  if (file === null && error === null) return null
  const close = () => {
    setTrusted(false)
    setTake([])
    closeProfileImport()
  }
  const toggle = (key: string) => setTake((t) => (t.includes(key) ? t.filter((k) => k !== key) : [...t, key]))
  const needsTrust = check !== null && !check.keyTrusted
  const diff = check?.diff
  const empty = diff && diff.added.length + diff.changed.length + diff.removed.length + diff.conflicts.length === 0
  return (
    <Modal testId="profile-dialog" title="Import host profile" onClose={close} className="profile-dialog">
      {error !== null && (
        <p className="profile-error" role="alert" data-testid="profile-error" data-code={error.code}>
          {errorText(error)}
        </p>
      )}
      {busy && check === null && <p className="muted">Checking the signature…</p>}
      {check !== null && diff && (
        <>
          <p data-testid="profile-summary">
            <strong>{check.name}</strong> version {check.version}
            {check.installedVersion === null
              ? ' (not installed yet)'
              : ` (installed: version ${check.installedVersion})`}
            , signed by key <code data-testid="profile-key-id">{check.keyId}</code>
          </p>
          {needsTrust && (
            <label className="profile-trust" data-testid="profile-trust">
              <input type="checkbox" checked={trusted} onChange={(e) => setTrusted(e.currentTarget.checked)} />
              This key is new to Pinpoint. I checked its id <code>{check.keyId}</code> with the profile&apos;s
              administrator and trust it for host profiles.
            </label>
          )}
          <ul className="profile-diff" data-testid="profile-diff">
            {diff.added.map((r) => (
              <DiffLine key={`a-${ruleKey(r)}`} kind="added" label={ruleKey(r)} detail={summary(r)} />
            ))}
            {diff.changed.map((c) => (
              <DiffLine
                key={`c-${c.key}`}
                kind="changed"
                label={c.key}
                detail={`${summary(c.before)} → ${summary(c.after)}`}
              />
            ))}
            {diff.removed.map((r) => (
              <DiffLine key={`r-${ruleKey(r)}`} kind="removed" label={ruleKey(r)} detail={summary(r)} />
            ))}
            {diff.conflicts.map((c) => (
              <li key={`x-${c.key}`} className="diff-conflict" data-testid="profile-conflict" data-key={c.key}>
                <span className="diff-kind">changed locally</span> <code>{c.key}</code>: yours ({summary(c.local)}) is
                kept; the profile {c.profile ? `has ${summary(c.profile)}` : 'removes it'}.
                <label>
                  <input type="checkbox" checked={take.includes(c.key)} onChange={() => toggle(c.key)} /> take the
                  profile&apos;s
                </label>
              </li>
            ))}
            {diff.keptLocal.map((k) => (
              <DiffLine key={`k-${k}`} kind="kept" label={k} detail="changed locally; the profile did not change it" />
            ))}
          </ul>
          <p className="muted">
            {diff.unchanged} unchanged{empty ? '; nothing to change' : ''}
          </p>
        </>
      )}
      <div className="dialog-buttons">
        {check !== null && (
          <button
            type="button"
            className="primary"
            data-testid="profile-apply"
            disabled={busy || (needsTrust && !trusted)}
            onClick={() => {
              void applyProfileImport(needsTrust ? check.keyId : undefined, take).then((ok) => {
                if (ok) {
                  setTrusted(false)
                  setTake([])
                }
              })
            }}
          >
            {needsTrust ? 'Trust key and apply' : 'Apply'}
          </button>
        )}
        <button type="button" data-testid="profile-cancel" onClick={close}>
          {check === null ? 'Close' : 'Cancel'}
        </button>
      </div>
    </Modal>
  )
}

function DiffLine({ kind, label, detail }: { kind: string; label: string; detail: string }) {
  return (
    <li className={`diff-${kind}`} data-testid={`profile-${kind}`} data-key={label}>
      <span className="diff-kind">{kind}</span> <code>{label}</code> <span className="muted">{detail}</span>
    </li>
  )
}

/** An unsigned export to save, and the command that signs it. */
function ProfileExportDialog({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState('team')
  const [publicKey, setPublicKey] = useState('')
  const [done, setDone] = useState<{ fileName: string; command: string; url: string } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const run = async () => {
    const out = await command('profiles:export', { name, ...(publicKey.trim() ? { publicKey } : {}) })
    if (out === undefined) return
    if (!out.ok) return setError(errorText(out.error))
    setError(null)
    const url = URL.createObjectURL(new Blob([out.text], { type: 'application/json' }))
    setDone({ fileName: out.fileName, command: out.command, url })
  }
  return (
    <Modal testId="profile-export-dialog" title="Export host profile" onClose={onClose}>
      <p className="muted">
        Every saved rule goes into the profile. Pinpoint does not sign it: sign the saved file with your minisign key,
        then hand out the file and its .minisig.
      </p>
      <label className="field">
        Profile name
        <input data-testid="profile-export-name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
      </label>
      <label className="field">
        Your minisign public key (the .pub file), so importers can check its id
        <textarea
          data-testid="profile-export-key"
          rows={2}
          value={publicKey}
          onChange={(e) => setPublicKey(e.currentTarget.value)}
        />
      </label>
      {error !== null && (
        <p className="profile-error" role="alert">
          {error}
        </p>
      )}
      {done !== null && (
        <div data-testid="profile-export-done">
          <a href={done.url} download={done.fileName} data-testid="profile-export-save">
            Save {done.fileName}
          </a>
          <p>Then sign it:</p>
          <pre data-testid="profile-export-command">{done.command}</pre>
        </div>
      )}
      <div className="dialog-buttons">
        <button type="button" className="primary" data-testid="profile-export-run" onClick={() => void run()}>
          Export
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  )
}

/** A rule's fields other than its pattern and port, briefly. */
function summary(rule: HostRule): string {
  const parts = [
    rule.addresses.length > 0 ? `connect to ${rule.addresses.join(', ')}` : 'DNS',
    rule.sni ? `SNI ${rule.sni}` : '',
    rule.pins.length > 0 ? `${rule.pins.length} pin${rule.pins.length > 1 ? 's' : ''} (${rule.pinMode})` : '',
    rule.trust === 'pin' ? 'pin only' : '',
  ]
  return parts.filter((p) => p !== '').join(', ')
}
