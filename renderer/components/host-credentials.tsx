import { useEffect, useState } from 'react'

import { describeCredentialState, type CredentialInput, type CredentialState } from '../../shared/transfer-secrets.ts'
import { command } from '../commands.ts'
import { CredentialActions } from './credential-actions.tsx'
import { CredentialsDialog } from './credentials-dialog.tsx'
import { HeaderCookiePart } from './header-cookie-part.tsx'
import './transfer-credentials.css'

interface Props {
  /** The saved rule's key: credentials belong to a saved rule. */
  pattern: string
  port?: number | undefined
}

/**
 * The credentials a saved host rule sends to its host: which are set (the user name, "Bearer token set", never
 * a value), and Set/Replace/Clear. Every download to the host uses them unless it has its own.
 */
export function HostCredentials({ pattern, port }: Props) {
  const [state, setState] = useState<CredentialState | null | undefined>(undefined)
  const [asking, setAsking] = useState(false)
  const key = port === undefined ? { pattern } : { pattern, port }
  const where = port === undefined ? pattern : `${pattern}:${port}`
  useEffect(() => {
    let stopped = false
    void command('hosts:credentials', port === undefined ? { pattern } : { pattern, port }).then((s) => {
      if (!stopped) setState(s)
    })
    return () => {
      stopped = true
    }
  }, [pattern, port])

  const answer = async (credentials: CredentialInput | null) => {
    setAsking(false)
    if (credentials === null) return
    const next = await command('hosts:setCredentials', { ...key, credentials })
    if (next !== undefined) setState(next)
  }

  return (
    <section className="host-credentials transfer-credentials" data-testid="host-credentials" aria-label="Credentials">
      <h3>Credentials</h3>
      <p data-testid="host-credentials-state">
        {state === undefined ? '…' : describeCredentialState(state ?? undefined)}
      </p>
      <p className="muted">Sent to {where} by every download there that has none of its own.</p>
      <CredentialActions
        testId="host-credentials"
        state={state}
        offerSet
        onSet={() => setAsking(true)}
        onClear={() => void answer({ kind: 'clear' })}
      />
      <HeaderCookiePart testId="host-extras" state={state} subject={where} onSend={answer} />
      {asking && (
        <CredentialsDialog
          subject={where}
          saveLabel="Save"
          username={state?.basicUser}
          kind={state?.bearer === true ? 'bearer' : 'basic'}
          onAnswer={(c) => void answer(c)}
        />
      )}
    </section>
  )
}
