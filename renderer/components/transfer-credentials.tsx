import { useEffect, useState } from 'react'

import { describeCredentialState, type CredentialInput, type CredentialState } from '../../shared/transfer-secrets.ts'
import type { TransferView } from '../../shared/transfer.ts'
import { command } from '../commands.ts'
import { CredentialActions } from './credential-actions.tsx'
import { CredentialsDialog } from './credentials-dialog.tsx'
import { HeaderCookiePart } from './header-cookie-part.tsx'
import './transfer-credentials.css'

/** `Basic realm "files"` out of main's AUTH_REQUIRED message, which ends with the challenges in brackets. */
function challengeOf(view: TransferView): string | undefined {
  if (view.error?.code !== 'AUTH_REQUIRED') return undefined
  return /\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*$/.exec(view.error.message)?.[1] ?? 'credentials'
}

/**
 * A download's credentials in its details: which are set (the user name, "Bearer token set", never a value),
 * replace or clear them; and when the server answered 401, what it asked for and the dialog to answer it.
 */
export function TransferCredentials({ view }: { view: TransferView }) {
  const [state, setState] = useState<CredentialState | null | undefined>(undefined)
  const [asking, setAsking] = useState(false)
  const challenge = challengeOf(view)
  useEffect(() => {
    let stopped = false
    void command('transfers:credentials', { id: view.id }).then((s) => {
      if (!stopped) setState(s)
    })
    return () => {
      stopped = true
    }
  }, [view.id, view.state])

  const answer = async (credentials: CredentialInput | null) => {
    setAsking(false)
    if (credentials === null) return
    const next = await command('transfers:setCredentials', { id: view.id, credentials })
    if (next !== undefined) setState(next)
  }

  return (
    <section className="transfer-credentials" data-testid="transfer-credentials" aria-label="Credentials">
      <h3>Credentials</h3>
      {challenge !== undefined && (
        <p className="transfer-credentials-wanted" data-testid="credentials-wanted" role="status">
          <span className="tone-warn">The server asks for credentials: {challenge}.</span>{' '}
          <button type="button" className="primary" data-testid="credentials-enter" onClick={() => setAsking(true)}>
            Enter credentials…
          </button>
        </p>
      )}
      <p data-testid="credentials-state">{state === undefined ? '…' : describeCredentialState(state ?? undefined)}</p>
      <CredentialActions
        testId="credentials"
        state={state}
        offerSet={challenge === undefined}
        onSet={() => setAsking(true)}
        onClear={() => void answer({ kind: 'clear' })}
      />
      <HeaderCookiePart testId="transfer-extras" state={state} subject="this download's own site" onSend={answer} />
      {asking && (
        <CredentialsDialog
          challenge={challenge}
          username={state?.basicUser}
          kind={challenge?.startsWith('Bearer') === true ? 'bearer' : 'basic'}
          onAnswer={(c) => void answer(c)}
        />
      )}
    </section>
  )
}
