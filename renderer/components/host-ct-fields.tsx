import type { HostDraft } from '../host-form-model.ts'

/** A host rule's Certificate Transparency mode and policy, as two rows of the host form's grid. */
export function HostCtFields({
  id,
  draft,
  onChange,
}: {
  id: string
  draft: HostDraft
  onChange: (draft: HostDraft) => void
}) {
  return (
    <>
      <label htmlFor={`${id}-ct`}>Transparency</label>
      <select
        id={`${id}-ct`}
        data-testid="host-ct"
        value={draft.ct ?? 'report'}
        onChange={(e) => onChange({ ...draft, ct: e.target.value === 'enforce' ? 'enforce' : 'report' })}
      >
        <option value="report">report: show the SCTs and the verdict</option>
        <option value="enforce">enforce: refuse a certificate that fails the CT policy</option>
      </select>
      <label htmlFor={`${id}-ctPolicy`}>CT policy</label>
      <select
        id={`${id}-ctPolicy`}
        data-testid="host-ct-policy"
        value={draft.ctPolicy ?? 'two-operators'}
        onChange={(e) => onChange({ ...draft, ctPolicy: e.target.value === 'chrome' ? 'chrome' : 'two-operators' })}
      >
        <option value="two-operators">2 SCTs from distinct operators</option>
        <option value="chrome">Chrome's: 3 SCTs for certificates over 180 days</option>
      </select>
    </>
  )
}
