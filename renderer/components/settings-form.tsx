import { useId, useState } from 'react'

import { limits } from '../../shared/limits.ts'
import type { SettingsPatch } from '../../shared/settings.ts'
import { command } from '../commands.ts'
import { formatRateText, parseRateText } from '../../shared/rate.ts'
import { useSettingsSave, type SaveStatus } from '../hooks/use-settings-save.ts'
import { useStore } from '../store/index.ts'
import { shellOffers } from '../store/settings-slice.ts'
import { CategorySettings } from './category-settings.tsx'
import { DnsSetting } from './dns-setting.tsx'
import { PrioritySetting } from './priority-setting.tsx'
import { ProxySettingField } from './proxy-setting.tsx'
import { RootFolderSetting } from './root-folder-picker.tsx'
import { SettingProblem } from './setting-problem.tsx'
import { ScheduleSettings } from './schedule-settings.tsx'
import { BrowserSettings } from './browser-settings.tsx'
import './settings-form.css'

/**
 * The settings, each saved as soon as it is valid; what is shown comes back from main (`settings:changed`).
 *
 * A value that is not valid stays as typed, with the reason beside it, and is not sent; it is never put back
 * silently. The status line says "Saved" once main has stored a change, or why it refused one. Switches the
 * shell cannot honour (start at login, close to tray, notifications: `pinpoint serve` has none of them) are not
 * shown.
 */
export function SettingsForm() {
  const settings = useStore((s) => s.settings)
  const offers = shellOffers(useStore((s) => s.appInfo))
  const { status, save } = useSettingsSave()
  const id = useId()
  if (settings === null) {
    return (
      <form className="form settings-form" data-testid="settings-form" aria-busy="true">
        <p className="muted">Loading settings…</p>
      </form>
    )
  }
  const update = (patch: SettingsPatch) => void save(patch)
  const chooseFolder = async () => {
    const chosen = await command('dialog:chooseFolder', {})
    if (chosen) update({ downloadFolder: chosen.token })
  }
  return (
    <form className="form settings-form" data-testid="settings-form" onSubmit={(e) => e.preventDefault()}>
      <div className="settings-head">
        <h2>Settings</h2>
        <SaveStatusLine status={status} />
      </div>
      <div className="field-grid">
        <span id={`${id}-folder`} className={offers.folderDialog ? undefined : 'label-top'}>
          Download folder
        </span>
        <div className="folder-setting">
          <div className="field-row">
            <span className="folder-label" data-testid="set-folder-label" title={settings.downloadDir}>
              {settings.downloadDir}
            </span>
            {offers.folderDialog && (
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
          {!offers.folderDialog && <RootFolderSetting downloadDir={settings.downloadDir} />}
        </div>
        <label htmlFor={`${id}-max`}>Downloads at once</label>
        <NumberSetting
          id={`${id}-max`}
          testId="set-max-active"
          min={limits.maxActive.min}
          max={limits.maxActive.max}
          value={settings.maxActive}
          onValid={(maxActive) => update({ maxActive })}
        />
        <label htmlFor={`${id}-split`}>Connections per download</label>
        <NumberSetting
          id={`${id}-split`}
          testId="set-split"
          min={limits.split.min}
          max={limits.split.max}
          value={settings.split}
          onValid={(split) => update({ split })}
        />
        <label htmlFor={`${id}-limit`}>Speed limit (all downloads)</label>
        <RateSetting id={`${id}-limit`} value={settings.limitRate} onValid={(limitRate) => update({ limitRate })} />
        <label htmlFor={`${id}-dns`}>Resolve names with</label>
        <DnsSetting id={`${id}-dns`} value={settings.dns} onValid={(dns) => update({ dns })} />
        <SettingProblem settingKey="dns" settings={settings} />
        <label htmlFor={`${id}-priority`}>Priority of new downloads</label>
        <PrioritySetting id={`${id}-priority`} value={settings.priority} onValid={(priority) => update({ priority })} />
        <label htmlFor={`${id}-proxy`}>Proxy</label>
        <ProxySettingField id={`${id}-proxy`} value={settings.proxy} onValid={(proxy) => update({ proxy })} />
        {offers.notifications && (
          <>
            <label htmlFor={`${id}-notify`}>Notifications</label>
            <input
              id={`${id}-notify`}
              type="checkbox"
              data-testid="set-notifications"
              checked={settings.notifications}
              onChange={(e) => update({ notifications: e.target.checked })}
            />
          </>
        )}
        {offers.startAtLogin && (
          <>
            <label htmlFor={`${id}-login`}>Start at login</label>
            <input
              id={`${id}-login`}
              type="checkbox"
              data-testid="set-start-at-login"
              checked={settings.startAtLogin}
              onChange={(e) => update({ startAtLogin: e.target.checked })}
            />
          </>
        )}
        {offers.closeToTray && (
          <>
            <label htmlFor={`${id}-tray`}>Close to tray</label>
            <input
              id={`${id}-tray`}
              type="checkbox"
              data-testid="set-close-to-tray"
              checked={settings.closeToTray}
              onChange={(e) => update({ closeToTray: e.target.checked })}
            />
          </>
        )}
      </div>
      <CategorySettings categories={settings.categories} save={save} />
      <ScheduleSettings schedule={settings.schedule} save={save} />
      <BrowserSettings />
    </form>
  )
}

function SaveStatusLine({ status }: { status: SaveStatus }) {
  const text =
    status.kind === 'saving'
      ? 'Saving…'
      : status.kind === 'saved'
        ? 'Saved'
        : status.kind === 'failed'
          ? `Not saved: ${status.message}`
          : ''
  return (
    <p
      className={status.kind === 'failed' ? 'settings-status form-error' : 'settings-status muted'}
      data-testid="settings-status"
      data-state={status.kind}
      role="status"
    >
      {text}
    </p>
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

/** Why `text` is not a whole number from min to max, or '' when it is one. */
export function wholeNumberProblem(text: string, min: number, max: number): string {
  const n = Number(text)
  if (text.trim() === '') return `Enter a number from ${min} to ${max}`
  if (!Number.isInteger(n)) return `Enter a whole number from ${min} to ${max}`
  if (n < min || n > max) return `Must be from ${min} to ${max}; not saved`
  return ''
}

/** A number field that keeps what is typed, says what is wrong with it, and sends it once it is valid. */
function NumberSetting({ id, testId, min, max, value, onValid }: NumberProps) {
  const [text, setText] = useState<string | null>(null)
  const shown = text ?? String(value)
  const problem = wholeNumberProblem(shown, min, max)
  return (
    <div className="field-row">
      <input
        id={id}
        data-testid={testId}
        type="number"
        min={min}
        max={max}
        value={shown}
        aria-invalid={problem !== ''}
        aria-describedby={`${id}-hint`}
        onChange={(e) => {
          const next = e.target.value
          setText(next)
          if (wholeNumberProblem(next, min, max) === '' && Number(next) !== value) onValid(Number(next))
        }}
        // Left valid, it shows what main holds again; left invalid, it stays as typed with its reason.
        onBlur={() => problem === '' && setText(null)}
      />
      <span id={`${id}-hint`} data-testid={`${testId}-hint`} className={problem ? 'form-error' : 'muted'}>
        {problem}
      </span>
    </div>
  )
}

/** The global limit as `2M`, `500K` or empty for none. */
function RateSetting({
  id,
  value,
  onValid,
}: {
  id: string
  value: number | null
  onValid: (n: number | null) => void
}) {
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
          if (next !== undefined && next !== value) onValid(next)
        }}
        onBlur={() => parsed !== undefined && setText(null)}
      />
      <span id={`${id}-hint`} data-testid="set-limit-hint" className={parsed === undefined ? 'form-error' : 'muted'}>
        {parsed === undefined ? 'Use bytes per second, or K, M or G (e.g. 2M); not saved' : ''}
      </span>
    </div>
  )
}
