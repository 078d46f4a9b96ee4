import { appStore, useStore } from '../store/index.ts'
import type { Filter } from '../store/ui-slice.ts'
import { totals } from '../store/visible.ts'

const FILTERS: ReadonlyArray<{ filter: Filter; label: string }> = [
  { filter: 'all', label: 'All' },
  { filter: 'active', label: 'Active' },
  { filter: 'queued', label: 'Queued' },
  { filter: 'paused', label: 'Paused' },
  { filter: 'completed', label: 'Completed' },
  { filter: 'failed', label: 'Failed' },
]

/** The state filter as chips with how many each holds, and the search box; neither touches the selection. */
export function TransferFilters() {
  const current = useStore((s) => s.ui.filter)
  const search = useStore((s) => s.ui.search)
  const { setFilter, setSearch } = appStore.getState()
  return (
    <div className="filters">
      <div className="filter-chips" role="group" aria-label="Show">
        {FILTERS.map(({ filter, label }) => (
          <FilterChip key={filter} filter={filter} label={label} pressed={filter === current} onPick={setFilter} />
        ))}
      </div>
      <input
        type="search"
        data-testid="search"
        aria-label="Search downloads"
        placeholder="Search"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
    </div>
  )
}

interface ChipProps {
  filter: Filter
  label: string
  pressed: boolean
  onPick: (filter: Filter) => void
}

/** One chip; it subscribes to its own count, a number, so progress that changes no state leaves it alone. */
function FilterChip({ filter, label, pressed, onPick }: ChipProps) {
  const count = useStore((s) => totals(s).counts[filter])
  return (
    <button
      type="button"
      data-testid={`filter-${filter}`}
      aria-pressed={pressed}
      className={`filter-chip${pressed ? ' active' : ''}`}
      onClick={() => onPick(filter)}
    >
      {label}{' '}
      <span className="chip-count" data-testid={`filter-count-${filter}`}>
        {count.toLocaleString()}
      </span>
    </button>
  )
}
