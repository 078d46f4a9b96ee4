import { useEffect, useState } from 'react'

import type { BrowserHostsReport, BrowserName } from '../../shared/browser-hosts.ts'
import { command } from '../commands.ts'
import './browser-settings.css'

const browserLabels: Record<BrowserName, string> = {
  chromium: 'Chromium',
  chrome: 'Google Chrome',
  edge: 'Microsoft Edge',
  brave: 'Brave',
  firefox: 'Firefox',
}

/**
 * The browsers the extension can hand downloads to Pinpoint from: for each, whether Pinpoint's native messaging
 * host is installed where the browser looks, and Install or Remove (what `pinpoint integrate` does). A change
 * that fails says why on its own line and leaves the list as it is on disk.
 */
export function BrowserSettings() {
  const [report, setReport] = useState<BrowserHostsReport | undefined>(undefined)
  const [busy, setBusy] = useState<BrowserName | null>(null)
  useEffect(() => {
    let stopped = false
    void command('browsers:status', {}).then((r) => {
      if (!stopped && r !== undefined) setReport(r)
    })
    return () => {
      stopped = true
    }
  }, [])

  const change = async (browser: BrowserName, uninstall: boolean) => {
    setBusy(browser)
    const next = await command('browsers:integrate', { browser, uninstall })
    setBusy(null)
    if (next !== undefined) setReport(next)
  }

  return (
    <fieldset className="browser-settings" data-testid="browser-settings">
      <legend>Browsers</legend>
      <p className="muted">
        With Pinpoint&apos;s extension, a browser hands its downloads to Pinpoint. Installing writes the small file (a
        native messaging host manifest) the browser looks for; removing takes only that file away.
      </p>
      {report === undefined ? (
        <p className="muted">Looking for browsers…</p>
      ) : (
        <ul className="browser-list">
          {report.browsers.map((b) => (
            <li key={b.browser} className="browser-row" data-testid={`browser-${b.browser}`}>
              <span className="browser-name">{browserLabels[b.browser]}</span>
              <span
                className={b.installed ? 'browser-state tone-ok' : 'browser-state muted'}
                data-testid={`browser-${b.browser}-state`}
              >
                {b.installed ? 'Installed' : b.found ? 'Not installed' : 'Not installed (no profile found)'}
              </span>
              <button
                type="button"
                data-testid={`browser-${b.browser}-${b.installed ? 'remove' : 'install'}`}
                disabled={busy !== null}
                aria-label={`${b.installed ? 'Remove from' : 'Install for'} ${browserLabels[b.browser]}`}
                onClick={() => void change(b.browser, b.installed)}
              >
                {b.installed ? 'Remove' : 'Install'}
              </button>
              <span className="browser-path muted" title={b.manifestPath}>
                <bdi>
                  {/* The file name is the same for every browser: the folder is what tells them apart. */}
                  {b.manifestPath.replace(/[\\/][^\\/]*$/, '')}
                  {b.installed && b.registryKey !== undefined && ` (registry key: ${b.registryKey})`}
                </bdi>
              </span>
            </li>
          ))}
        </ul>
      )}
      {report?.error && (
        <p className="form-error" role="alert" data-testid="browser-error">
          {report.error.message}
        </p>
      )}
    </fieldset>
  )
}
