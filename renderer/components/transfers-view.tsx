import { DetailsPane } from './details-pane.tsx'
import { StatusBar } from './status-bar.tsx'
import { TransferFilters } from './transfer-filters.tsx'
import { TransferList } from './transfer-list.tsx'
import { TransferToolbar } from './transfer-toolbar.tsx'

/** The transfers tab: actions and filters above the table, details of the focused transfer beside it, totals below. */
export function TransfersView() {
  return (
    <div className="transfers-view">
      <div className="transfers-bar">
        <TransferToolbar />
        <TransferFilters />
      </div>
      <div className="transfers-body">
        <TransferList />
        <DetailsPane />
      </div>
      <StatusBar />
    </div>
  )
}
