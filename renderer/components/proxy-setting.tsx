import { useState } from 'react'

import { noProxyProblem } from '../../shared/no-proxy.ts'
import { ProxySetting as ProxySettingSchema, SAVED_PROXY_PASSWORD, type ProxySetting } from '../../shared/proxy.ts'
import './proxy-setting.css'
import { ModeSelect } from './mode-select.tsx'

type Mode = ProxySetting['mode']

const MODES: Array<{ mode: Mode; label: string }> = [
  { mode: 'system', label: 'The system’s proxy settings' },
  { mode: 'none', label: 'No proxy' },
  { mode: 'manual', label: 'This proxy' },
]

interface Draft {
  url: string
  user: string
  password: string
  noProxy: string
}

/** The setting a draft stands for, or why it cannot be saved. */
export function proxyFromDraft(mode: Mode, d: Draft): { ok: true; value: ProxySetting } | { ok: false; why: string } {
  if (mode !== 'manual') return { ok: true, value: { mode } }
  if (d.url.trim() === '')
    return { ok: false, why: 'Enter the proxy, e.g. http://proxy.example:3128 or socks5h://host:1080' }
  if (d.password !== '' && d.user.trim() === '') return { ok: false, why: 'A password needs a user name' }
  const noProxy = noProxyProblem(d.noProxy)
  if (noProxy) return { ok: false, why: noProxy }
  const parsed = ProxySettingSchema.safeParse({
    mode,
    server: {
      url: d.url.trim(),
      ...(d.user.trim() === '' ? {} : { user: d.user.trim() }),
      ...(d.password === '' ? {} : { password: d.password }),
    },
    noProxy: d.noProxy.trim(),
  })
  if (!parsed.success) return { ok: false, why: `${parsed.error.issues[0]?.message ?? 'not a proxy'}; not saved` }
  return { ok: true, value: parsed.data }
}

/**
 * The app's proxy: the system's (the OS settings and PAC script, as Chromium resolves them), none, or one
 * server with the hosts it does not serve. A saved password comes back as a marker, never as itself; sent back
 * unchanged it keeps the saved one.
 */
export function ProxySettingField({
  id,
  value,
  onValid,
}: {
  id: string
  value: ProxySetting
  onValid: (proxy: ProxySetting) => void
}) {
  const saved: Draft =
    value.mode === 'manual'
      ? {
          url: value.server.url,
          user: value.server.user ?? '',
          password: value.server.password ?? '',
          noProxy: value.noProxy,
        }
      : { url: '', user: '', password: '', noProxy: '' }
  const [mode, setMode] = useState<Mode | null>(null)
  const [draft, setDraft] = useState<Draft | null>(null)
  const shownMode = mode ?? value.mode
  const shown = draft ?? saved
  const result = proxyFromDraft(shownMode, shown)
  const send = (m: Mode, d: Draft) => {
    const r = proxyFromDraft(m, d)
    if (r.ok && JSON.stringify(r.value) !== JSON.stringify(value)) onValid(r.value)
  }
  const edit = (field: keyof Draft) => (e: { target: { value: string } }) => {
    const next = { ...shown, [field]: e.target.value }
    setDraft(next)
    send(shownMode, next)
  }
  return (
    <div className="proxy-setting">
      <ModeSelect
        id={id}
        testId="set-proxy-mode"
        value={shownMode}
        modes={MODES}
        onChange={(m) => {
          setMode(m)
          send(m, shown)
        }}
      />
      {shownMode === 'manual' && (
        <div className="proxy-setting-fields">
          <input
            data-testid="set-proxy-url"
            aria-label="Proxy URL"
            placeholder="http://proxy.example:3128"
            value={shown.url}
            aria-invalid={!result.ok}
            aria-describedby={`${id}-hint`}
            onChange={edit('url')}
          />
          <input
            data-testid="set-proxy-user"
            aria-label="Proxy user name"
            placeholder="User name (optional)"
            autoComplete="off"
            value={shown.user}
            onChange={edit('user')}
          />
          <input
            data-testid="set-proxy-password"
            aria-label="Proxy password"
            type="password"
            placeholder={shown.password === SAVED_PROXY_PASSWORD ? 'Saved' : 'Password (optional)'}
            autoComplete="off"
            value={shown.password}
            onChange={edit('password')}
          />
          <input
            data-testid="set-proxy-noproxy"
            aria-label="Hosts without proxy"
            placeholder="No proxy for: localhost, .intranet.example, 10.0.0.0/8"
            value={shown.noProxy}
            onChange={edit('noProxy')}
          />
        </div>
      )}
      <span id={`${id}-hint`} data-testid="set-proxy-hint" className={result.ok ? 'muted' : 'form-error'}>
        {result.ok ? '' : result.why}
      </span>
    </div>
  )
}
