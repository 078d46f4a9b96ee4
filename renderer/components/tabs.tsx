import { isDirty } from '../host-editor-actions.ts'
import { appStore, useStore } from '../store/index.ts'
import type { Tab } from '../store/ui-slice.ts'
import './hosts-view.css'

const TABS: ReadonlyArray<{ tab: Tab; label: string }> = [
  { tab: 'transfers', label: 'Transfers' },
  { tab: 'hosts', label: 'Hosts' },
  { tab: 'settings', label: 'Settings' },
]

/** The top bar: the three tabs and the add button, which works from every tab. */
export function Tabs() {
  const current = useStore((s) => s.ui.tab)
  // A rule edited and not saved is kept while another tab is open; the tab says so, so it is not forgotten.
  const hostsUnsaved = useStore((s) => s.hostEditor !== null && isDirty(s.hostEditor))
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
            {tab === 'hosts' && hostsUnsaved && (
              <span className="tab-unsaved" data-testid="hosts-unsaved" title="A host rule has unsaved changes">
                {' '}
                •<span className="tab-unsaved-text"> (unsaved changes)</span>
              </span>
            )}
          </button>
        ))}
      </nav>
      <button type="button" className="primary" data-testid="add-button" onClick={() => openAdd()}>
        Add…
      </button>
    </header>
  )
}
