import { DetailsPane } from './details-pane.tsx'
import { TransferFilters } from './transfer-filters.tsx'
import { TransferList } from './transfer-list.tsx'
import { TransferToolbar } from './transfer-toolbar.tsx'

/** The transfers tab: actions and filters above the list, details of the focused transfer beside it. */
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
    </div>
  )
}
