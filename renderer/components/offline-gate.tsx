import { useState, type ReactNode } from 'react'

import { reconnectNow } from '../api.ts'
import { useLinkState } from '../hooks/use-link-state.ts'
import type { LinkState } from '../ws-api.ts'
import './offline-gate.css'

/**
 * The app, usable only while the daemon answers. Lost (offline, or restarted with another token), every control
 * of the app is disabled at once through one disabled `<fieldset>` (laid out as if absent), the rows are dimmed
 * as the last known state, and a banner says what happened and what comes next. It lifts by itself when the
 * link is back and the state has been taken afresh.
 */
export function OfflineGate({ children }: { children: ReactNode }) {
  const state = useLinkState()
  const cut = state === 'offline' || state === 'token-rejected'
  return (
    <>
      {cut && <OfflineBanner state={state} />}
      <fieldset
        className="offline-gate"
        data-testid="offline-gate"
        disabled={state !== 'online'}
        aria-describedby={cut ? 'offline-banner' : undefined}
      >
        {children}
      </fieldset>
    </>
  )
}

function OfflineBanner({ state }: { state: Exclude<LinkState, 'online' | 'connecting'> }) {
  const since = useSince()
  return (
    <div
      id="offline-banner"
      className={`offline-banner offline-${state}`}
      data-testid="offline-banner"
      data-state={state}
      role="alert"
    >
      {state === 'offline' ? (
        <>
          <span className="offline-text">
            <strong>Offline:</strong> pinpoint serve is not answering (since {since}). The list shows the state as it
            was then; actions are disabled until it is back. Reconnecting…
          </span>
          <button type="button" data-testid="offline-retry" onClick={() => reconnectNow()}>
            Try now
          </button>
        </>
      ) : (
        <>
          <span className="offline-text">
            <strong>Token no longer valid:</strong> pinpoint serve was restarted with a new token, so this page cannot
            reach it. Open the address it printed (…/?token=…); start it with <code>--token-file</code> to keep one
            address across restarts.
          </span>
          <button type="button" data-testid="offline-reload" onClick={() => window.location.reload()}>
            Reload
          </button>
        </>
      )}
    </div>
  )
}

/** The time the banner first showed, as the user's clock reads it. */
function useSince(): string {
  const [since] = useState(() => new Date().toLocaleTimeString())
  return since
}
