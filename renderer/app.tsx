import { AddDialog } from './components/add-dialog.tsx'
import { Announcer } from './components/announcer.tsx'
import { DropOverlay } from './components/drop-overlay.tsx'
import { HostsView } from './components/hosts-view.tsx'
import { NoticeArea } from './components/notice-area.tsx'
import { RemoveDialog } from './components/remove-dialog.tsx'
import { RefreshLinkHost } from './components/refresh-link-dialog.tsx'
import { SettingsForm } from './components/settings-form.tsx'
import { Tabs } from './components/tabs.tsx'
import { TransfersView } from './components/transfers-view.tsx'
import { useBootstrap } from './hooks/use-bootstrap.ts'
import { useDrop } from './hooks/use-drop.ts'
import { useShortcuts } from './hooks/use-shortcuts.ts'
import { useStore } from './store/index.ts'

/** The window: tabs, the open tab's view, notices, and the dialogs and drop target that span every tab. */
export function App() {
  useBootstrap()
  const dragging = useDrop()
  useShortcuts()
  const tab = useStore((s) => s.ui.tab)
  const dialog = useStore((s) => s.ui.dialog?.kind)
  return (
    <div className="app">
      <Tabs />
      <NoticeArea />
      <main className="tab-panel" id={`panel-${tab}`} role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === 'transfers' && <TransfersView />}
        {tab === 'hosts' && <HostsView />}
        {tab === 'settings' && <SettingsForm />}
      </main>
      {dialog === 'add' && <AddDialog />}
      {dialog === 'remove' && <RemoveDialog />}
      <RefreshLinkHost />
      {dragging && <DropOverlay />}
      <Announcer />
    </div>
  )
}
