import type { ParsedLinks } from '../store/ui-slice.ts'

interface Props {
  parsed: ParsedLinks | null
  /** What `transfers:add` itself refused (e.g. a bad checksum), shown the same way. */
  addRejected: ParsedLinks['rejected']
}

/** Every rejected line with its reason, and every duplicate, so nothing is dropped without the user seeing it. */
export function AddCheckResult({ parsed, addRejected }: Props) {
  const rejected = [...(parsed?.rejected ?? []), ...addRejected]
  const duplicates = parsed?.duplicates ?? []
  if (rejected.length === 0 && duplicates.length === 0) return null
  return (
    <div className="check-result">
      {rejected.length > 0 && (
        <>
          <h3>Not added ({rejected.length})</h3>
          <ul className="check-list">
            {rejected.map((r, i) => (
              <li key={i} data-testid="add-rejected" className="bad">
                <code>{r.input}</code> — {r.reason}
              </li>
            ))}
          </ul>
        </>
      )}
      {duplicates.length > 0 && (
        <>
          <h3>Duplicates ({duplicates.length}): listed more than once or already in the queue</h3>
          <ul className="check-list">
            {duplicates.map((d) => (
              <li key={d} data-testid="add-duplicate" className="warn">
                <code>{d}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  )
}
