import type { TransferView } from '../../shared/transfer.ts'
import { PRIORITY_LABEL, priorityOf } from '../priority-words.ts'
import './priority.css'

/** The priority column: normal, or background (which yields the link to everything else). */
export function PriorityCell({ view }: { view: TransferView }) {
  const priority = priorityOf(view)
  return (
    <span
      className={`priority-chip priority-${priority}`}
      data-testid="priority-cell"
      title={priority === 'background' ? 'Takes only what the link can spare' : undefined}
    >
      {PRIORITY_LABEL[priority]}
    </span>
  )
}
