import type { CredentialState } from '../../shared/transfer-secrets.ts'

interface Props {
  /** The test-id prefix: `<prefix>-set`, `<prefix>-clear`. */
  testId: string
  /** What is set now; null: nothing, undefined: not known yet. */
  state: CredentialState | null | undefined
  /** Offer Set/Replace (the 401 prompt offers its own button instead). */
  offerSet: boolean
  onSet: () => void
  onClear: () => void
}

/**
 * Set/Replace and Clear for a credentials part (a transfer's, a host rule's). Clear is enabled while a Basic
 * login or a Bearer token is set: the kinds this UI sets.
 */
export function CredentialActions({ testId, state, offerSet, onSet, onClear }: Props) {
  return (
    <div className="transfer-credentials-actions">
      {offerSet && (
        <button type="button" data-testid={`${testId}-set`} onClick={onSet}>
          {state && (state.basicUser !== undefined || state.bearer) ? 'Replace…' : 'Set…'}
        </button>
      )}
      {state && (
        <button
          type="button"
          data-testid={`${testId}-clear`}
          onClick={onClear}
          disabled={state.basicUser === undefined && !state.bearer}
        >
          Clear
        </button>
      )}
    </div>
  )
}
