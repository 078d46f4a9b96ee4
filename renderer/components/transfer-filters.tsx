import { appStore, useStore } from '../store/index.ts'
import type { Filter } from '../store/ui-slice.ts'

const FILTERS: ReadonlyArray<{ filter: Filter; label: string }> = [
  { filter: 'all', label: 'All' },
  { filter: 'active', label: 'Active' },
  { filter: 'queued', label: 'Queued' },
  { filter: 'completed', label: 'Completed' },
  { filter: 'failed', label: 'Failed' },
]

/** The state filter and the search box; both narrow the list without touching the selection. */
export function TransferFilters() {
  const current = useStore((s) => s.ui.filter)
  const search = useStore((s) => s.ui.search)
  const { setFilter, setSearch } = appStore.getState()
  return (
    <div className="filters">
      <div className="segmented" role="group" aria-label="Show">
        {FILTERS.map(({ filter, label }) => (
          <button
            key={filter}
            type="button"
            data-testid={`filter-${filter}`}
            aria-pressed={filter === current}
            className={filter === current ? 'active' : undefined}
            onClick={() => setFilter(filter)}
          >
            {label}
          </button>
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
