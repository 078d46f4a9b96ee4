import { useId, useState } from 'react'

import { limits } from '../../shared/limits.ts'
import type { SettingsPatch } from '../../shared/settings.ts'
import { command } from '../commands.ts'
import { formatRateText, parseRateText } from '../../shared/rate.ts'
import { useStore } from '../store/index.ts'
import { RootFolderSetting } from './root-folder-picker.tsx'

const update = (patch: SettingsPatch) => command('settings:update', patch)

/**
 * The settings, each applied as soon as it is valid; what is shown comes back from main (`settings:changed`),
 * so a value main refused is not left on screen as if it were saved.
 */
export function SettingsForm() {
  const settings = useStore((s) => s.settings)
  const headless = useStore((s) => s.appInfo?.shell === 'serve')
  const id = useId()
  if (settings === null) {
    return (
      <form className="form settings-form" data-testid="settings-form" aria-busy="true">
        <p className="muted">Loading settings…</p>
      </form>
    )
  }
  const chooseFolder = async () => {
    const chosen = await command('dialog:chooseFolder', {})
    if (chosen) await update({ downloadFolder: chosen.token })
  }
  return (
    <form className="form settings-form" data-testid="settings-form" onSubmit={(e) => e.preventDefault()}>
      <h2>Settings</h2>
      <div className="field-grid">
        <span id={`${id}-folder`} className={headless ? 'label-top' : undefined}>
          Download folder
        </span>
        <div className="folder-setting">
          <div className="field-row">
            <span className="folder-label" data-testid="set-folder-label" title={settings.downloadDir}>
              {settings.downloadDir}
            </span>
            {!headless && (
              <button
                type="button"
                data-testid="set-folder"
                aria-describedby={`${id}-folder`}
                onClick={() => void chooseFolder()}
              >
                Change…
              </button>
            )}
          </div>
          {/* A browser has no dialog on the server's machine: it names a folder inside the server's roots. */}
          {headless && <RootFolderSetting downloadDir={settings.downloadDir} />}
        </div>
        <label htmlFor={`${id}-max`}>Downloads at once</label>
        <NumberSetting
          id={`${id}-max`}
          testId="set-max-active"
          min={limits.maxActive.min}
          max={limits.maxActive.max}
          value={settings.maxActive}
          onValid={(maxActive) => void update({ maxActive })}
        />
        <label htmlFor={`${id}-split`}>Connections per download</label>
        <NumberSetting
          id={`${id}-split`}
          testId="set-split"
          min={limits.split.min}
          max={limits.split.max}
          value={settings.split}
          onValid={(split) => void update({ split })}
        />
        <label htmlFor={`${id}-limit`}>Speed limit (all downloads)</label>
        <RateSetting id={`${id}-limit`} value={settings.limitRate} />
        <label htmlFor={`${id}-notify`}>Notifications</label>
        <input
          id={`${id}-notify`}
          type="checkbox"
          data-testid="set-notifications"
          checked={settings.notifications}
          onChange={(e) => void update({ notifications: e.target.checked })}
        />
        <label htmlFor={`${id}-login`}>Start at login</label>
        <input
          id={`${id}-login`}
          type="checkbox"
          data-testid="set-start-at-login"
          checked={settings.startAtLogin}
          onChange={(e) => void update({ startAtLogin: e.target.checked })}
        />
        <label htmlFor={`${id}-tray`}>Close to tray</label>
        <input
          id={`${id}-tray`}
          type="checkbox"
          data-testid="set-close-to-tray"
          checked={settings.closeToTray}
          onChange={(e) => void update({ closeToTray: e.target.checked })}
        />
      </div>
    </form>
  )
}

interface NumberProps {
  id: string
  testId: string
  min: number
  max: number
  value: number
  onValid: (n: number) => void
}

/** A number field that keeps what is typed and sends it once it is a whole number in range. */
function NumberSetting({ id, testId, min, max, value, onValid }: NumberProps) {
  const [text, setText] = useState<string | null>(null)
  const shown = text ?? String(value)
  const n = Number(shown)
  const valid = shown.trim() !== '' && Number.isInteger(n) && n >= min && n <= max
  return (
    <input
      id={id}
      data-testid={testId}
      type="number"
      min={min}
      max={max}
      value={shown}
      aria-invalid={!valid}
      onChange={(e) => {
        const next = e.target.value
        setText(next)
        const m = Number(next)
        if (next.trim() !== '' && Number.isInteger(m) && m >= min && m <= max && m !== value) onValid(m)
      }}
      // Once the field is left, show what main holds again.
      onBlur={() => setText(null)}
    />
  )
}

/** The global limit as `2M`, `500K` or empty for none. */
function RateSetting({ id, value }: { id: string; value: number | null }) {
  const [text, setText] = useState<string | null>(null)
  const shown = text ?? formatRateText(value)
  const parsed = parseRateText(shown)
  return (
    <div className="field-row">
      <input
        id={id}
        data-testid="set-limit"
        placeholder="unlimited (e.g. 2M, 500K)"
        value={shown}
        aria-invalid={parsed === undefined}
        aria-describedby={`${id}-hint`}
        onChange={(e) => {
          setText(e.target.value)
          const next = parseRateText(e.target.value)
          if (next !== undefined && next !== value) void update({ limitRate: next })
        }}
        onBlur={() => setText(null)}
      />
      <span id={`${id}-hint`} className={parsed === undefined ? 'form-error' : 'muted'}>
        {parsed === undefined ? 'Use bytes per second, or K, M or G (e.g. 2M)' : ''}
      </span>
    </div>
  )
}
