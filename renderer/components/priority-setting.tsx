import { Priority } from '../../shared/priority.ts'
import { PRIORITY_LABEL } from '../priority-words.ts'

/** The priority a download gets when it is added without one (the add dialog and `pinpoint get` alike). */
export function PrioritySetting({
  id,
  value,
  onValid,
}: {
  id: string
  value: Priority
  onValid: (priority: Priority) => void
}) {
  // In a field row like the other settings' pickers, so the grid does not stretch it across the form.
  return (
    <div className="field-row">
      <select
        id={id}
        data-testid="set-priority"
        value={value}
        onChange={(e) => {
          const parsed = Priority.safeParse(e.currentTarget.value)
          if (parsed.success) onValid(parsed.data)
        }}
      >
        {Priority.options.map((p) => (
          <option key={p} value={p}>
            {p === 'background' ? `${PRIORITY_LABEL[p]}: yield the link to everything else` : PRIORITY_LABEL[p]}
          </option>
        ))}
      </select>
    </div>
  )
}
