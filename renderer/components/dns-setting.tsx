import { useState } from 'react'

import { DnsChoice, DohUrl, type DnsMode } from '../../shared/dns.ts'
import { ModeSelect } from './mode-select.tsx'

const MODES: Array<{ mode: DnsMode; label: string }> = [
  { mode: 'system', label: 'System resolver' },
  { mode: 'doh', label: 'DNS over HTTPS only' },
  { mode: 'doh-fallback', label: 'DNS over HTTPS, system if unreachable' },
]

/** Why this choice cannot be saved, or '' when it can. */
export function dnsProblem(mode: DnsMode, url: string): string {
  if (mode === 'system') return ''
  if (url.trim() === '') return 'Enter the DoH server’s URL, e.g. https://dns.example/dns-query'
  if (!DohUrl.safeParse(url.trim()).success) return 'The DoH URL must be an https URL; not saved'
  return ''
}

/**
 * The app's resolver: the system's, or a DNS-over-HTTPS server (reached under its host rule like any host). A
 * DoH mode without a valid https URL stays as typed with its reason, and is not sent.
 */
export function DnsSetting({
  id,
  value,
  onValid,
}: {
  id: string
  value: DnsChoice
  onValid: (dns: DnsChoice) => void
}) {
  const [mode, setMode] = useState<DnsMode | null>(null)
  const [url, setUrl] = useState<string | null>(null)
  const shownMode = mode ?? value.mode
  const shownUrl = url ?? value.dohUrl ?? ''
  const problem = dnsProblem(shownMode, shownUrl)
  const send = (m: DnsMode, u: string) => {
    if (dnsProblem(m, u) !== '') return
    const next = DnsChoice.parse(m === 'system' ? { mode: m } : { mode: m, dohUrl: u.trim() })
    if (next.mode !== value.mode || next.dohUrl !== value.dohUrl) onValid(next)
  }
  return (
    <div className="dns-setting">
      <ModeSelect
        id={id}
        testId="set-dns-mode"
        value={shownMode}
        modes={MODES}
        onChange={(m) => {
          setMode(m)
          send(m, shownUrl)
        }}
      />
      {shownMode !== 'system' && (
        <div className="field-row">
          <input
            data-testid="set-doh-url"
            aria-label="DoH server URL"
            placeholder="https://dns.example/dns-query"
            value={shownUrl}
            aria-invalid={problem !== ''}
            aria-describedby={`${id}-hint`}
            onChange={(e) => {
              setUrl(e.target.value)
              send(shownMode, e.target.value)
            }}
          />
        </div>
      )}
      <span id={`${id}-hint`} data-testid="set-dns-hint" className={problem ? 'form-error' : 'muted'}>
        {problem}
      </span>
    </div>
  )
}
