import { useId, useState } from 'react'

import type { CredentialInput } from '../../shared/transfer-secrets.ts'
import { Modal } from './modal.tsx'

interface Props {
  /** What the server asked for, as main named it (`Basic realm "files"`); absent when the user opened it. */
  challenge?: string | undefined
  /** The user name already set, offered again. */
  username?: string | undefined
  /** Bearer first when the server asked for a Bearer token. */
  kind?: 'basic' | 'bearer'
  /** What they are for, in the title: this download by default. */
  subject?: string
  /** The save button's words: "Save and resume" by default, for a download waiting for them. */
  saveLabel?: string
  onAnswer: (credentials: CredentialInput | null) => void
}

/**
 * Ask for a user name and password, or a token. What is typed goes to main once and never comes back: the
 * renderer only ever learns which kind is set and the user name.
 */
export function CredentialsDialog({ challenge, username, kind, subject, saveLabel, onAnswer }: Props) {
  const id = useId()
  const [scheme, setScheme] = useState<'basic' | 'bearer'>(kind ?? 'basic')
  const [user, setUser] = useState(username ?? '')
  const [password, setPassword] = useState('')
  const [token, setToken] = useState('')
  const ready = scheme === 'basic' ? user !== '' || password !== '' : token.trim() !== '' && !/[\r\n]/.test(token)
  const submit = () => {
    if (!ready) return
    onAnswer(scheme === 'basic' ? { kind: 'basic', username: user, password } : { kind: 'bearer', token: token.trim() })
  }
  return (
    <Modal
      testId="credentials-dialog"
      title={`Credentials for ${subject ?? 'this download'}`}
      onClose={() => onAnswer(null)}
    >
      {challenge !== undefined && (
        <p data-testid="credentials-challenge">
          The server asks for credentials: <strong>{challenge}</strong>.
        </p>
      )}
      <p className="muted">
        They are kept encrypted and sent only to {subject === undefined ? "this download's own site" : subject}, never
        after a redirect elsewhere.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          submit()
        }}
      >
        <fieldset className="credentials-kind">
          <legend>Kind</legend>
          <label>
            <input
              type="radio"
              name={`${id}-kind`}
              data-testid="credentials-basic"
              checked={scheme === 'basic'}
              onChange={() => setScheme('basic')}
            />{' '}
            User name and password
          </label>
          <label>
            <input
              type="radio"
              name={`${id}-kind`}
              data-testid="credentials-bearer"
              checked={scheme === 'bearer'}
              onChange={() => setScheme('bearer')}
            />{' '}
            Bearer token
          </label>
        </fieldset>
        {scheme === 'basic' ? (
          <div className="field-grid">
            <label htmlFor={`${id}-user`}>User name</label>
            <input
              id={`${id}-user`}
              data-testid="credentials-user"
              autoComplete="username"
              autoFocus
              value={user}
              onChange={(e) => setUser(e.target.value)}
            />
            <label htmlFor={`${id}-password`}>Password</label>
            <input
              id={`${id}-password`}
              data-testid="credentials-password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
        ) : (
          <div className="field-grid">
            <label htmlFor={`${id}-token`}>Token</label>
            <input
              id={`${id}-token`}
              data-testid="credentials-token"
              type="password"
              autoComplete="off"
              autoFocus
              value={token}
              onChange={(e) => setToken(e.target.value)}
            />
          </div>
        )}
        <div className="dialog-buttons">
          <button type="submit" className="primary" data-testid="credentials-save" disabled={!ready}>
            {saveLabel ?? 'Save and resume'}
          </button>
          <button type="button" data-testid="credentials-cancel" onClick={() => onAnswer(null)}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  )
}
