import { appStore, useStore } from '../store/index.ts'
import type { Tab } from '../store/ui-slice.ts'

const TABS: ReadonlyArray<{ tab: Tab; label: string }> = [
  { tab: 'transfers', label: 'Transfers' },
  { tab: 'hosts', label: 'Hosts' },
  { tab: 'settings', label: 'Settings' },
]

/** The top bar: the three tabs and the add button, which works from every tab. */
export function Tabs() {
  const current = useStore((s) => s.ui.tab)
  const { setTab, openAdd } = appStore.getState()
  return (
    <header className="top-bar">
      <span className="brand">Pinpoint</span>
      <nav role="tablist" aria-label="Views" className="tabs">
        {TABS.map(({ tab, label }) => (
          <button
            key={tab}
            type="button"
            role="tab"
            id={`tab-${tab}`}
            data-testid={`tab-${tab}`}
            aria-selected={tab === current}
            aria-controls={`panel-${tab}`}
            className={tab === current ? 'tab active' : 'tab'}
            onClick={() => setTab(tab)}
          >
            {label}
          </button>
        ))}
      </nav>
      <button type="button" className="primary" data-testid="add-button" onClick={() => openAdd()}>
        Add…
      </button>
    </header>
  )
}
