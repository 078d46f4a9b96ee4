import { Fragment, useId, useState } from 'react'

import { describeHeadersAndCookies, type CredentialInput, type CredentialState } from '../../shared/transfer-secrets.ts'
import { cookieTextProblem, headerLinesProblem } from '../header-cookie-input.ts'
import { Modal } from './modal.tsx'
import './header-cookie.css'

interface Props {
  /** The test-id prefix: `<prefix>-state`, `<prefix>-headers-set`, `<prefix>-cookies-clear`… */
  testId: string
  /** What is set now; null: nothing, undefined: not known yet. */
  state: CredentialState | null | undefined
  /** Who gets them, in the editor's title and note. */
  subject: string
  onSend: (input: CredentialInput) => Promise<void>
}

type Editing = 'headers' | 'cookies' | null

/**
 * Extra request headers and cookies (a host rule's, a transfer's): how many are set, never a value, and Set or
 * Replace (all of them at once, by what is typed) and Clear. What is typed goes to main once and is kept sealed.
 */
export function HeaderCookiePart({ testId, state, subject, onSend }: Props) {
  const [editing, setEditing] = useState<Editing>(null)
  const headers = state?.headers.length ?? 0
  const cookies = state?.cookies ?? 0
  return (
    <div className="header-cookie-part">
      <h4>Headers and cookies</h4>
      <p data-testid={`${testId}-state`}>{state === undefined ? '…' : describeHeadersAndCookies(state)}</p>
      <div className="transfer-credentials-actions">
        {(['headers', 'cookies'] as const).map((kind) => {
          const count = kind === 'headers' ? headers : cookies
          return (
            <Fragment key={kind}>
              <button type="button" data-testid={`${testId}-${kind}-set`} onClick={() => setEditing(kind)}>
                {count > 0 ? `Replace ${kind}…` : `Set ${kind}…`}
              </button>
              {count > 0 && (
                <button
                  type="button"
                  data-testid={`${testId}-${kind}-clear`}
                  onClick={() => void onSend({ kind, text: '' })}
                >
                  Clear {kind}
                </button>
              )}
            </Fragment>
          )
        })}
      </div>
      {editing !== null && (
        <HeaderCookieEditor
          kind={editing}
          subject={subject}
          onAnswer={async (input) => {
            setEditing(null)
            if (input !== null) await onSend(input)
          }}
        />
      )}
    </div>
  )
}

/** Type all of the headers (one per line) or all of the cookies; the reason a line is refused shows as it is typed. */
function HeaderCookieEditor({
  kind,
  subject,
  onAnswer,
}: {
  kind: 'headers' | 'cookies'
  subject: string
  onAnswer: (input: CredentialInput | null) => Promise<void>
}) {
  const id = useId()
  const [text, setText] = useState('')
  const problem = kind === 'headers' ? headerLinesProblem(text) : cookieTextProblem(text)
  const ready = text.trim() !== '' && problem === ''
  return (
    <Modal
      testId="header-cookie-dialog"
      className="header-cookie-editor"
      title={`${kind === 'headers' ? 'Extra headers' : 'Cookies'} for ${subject}`}
      onClose={() => void onAnswer(null)}
    >
      <p className="muted">
        {kind === 'headers'
          ? 'These replace every extra header set before. '
          : 'These replace every cookie set before. '}
        They are kept encrypted and sent only to {subject}, never after a redirect elsewhere, and never shown again.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          if (ready) void onAnswer({ kind, text })
        }}
      >
        <label htmlFor={id}>
          {kind === 'headers' ? 'Headers, one "Name: value" per line' : 'name=value; name2=value2'}
        </label>
        {kind === 'headers' ? (
          <textarea
            id={id}
            data-testid="header-cookie-text"
            rows={4}
            autoFocus
            spellCheck={false}
            autoComplete="off"
            value={text}
            aria-invalid={problem !== ''}
            onChange={(e) => setText(e.target.value)}
          />
        ) : (
          <input
            id={id}
            data-testid="header-cookie-text"
            autoFocus
            spellCheck={false}
            autoComplete="off"
            value={text}
            aria-invalid={problem !== ''}
            onChange={(e) => setText(e.target.value)}
          />
        )}
        <p className="form-error" role="alert" data-testid="header-cookie-problem">
          {problem}
        </p>
        <div className="dialog-buttons">
          <button type="submit" className="primary" data-testid="header-cookie-save" disabled={!ready}>
            Save
          </button>
          <button type="button" data-testid="header-cookie-cancel" onClick={() => void onAnswer(null)}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  )
}
