import type { TransferView } from '../../shared/transfer.ts'
import { askRefreshLink } from '../refresh-link-request.ts'
import './refresh-link-dialog.css'

/** Statuses that say the link itself stopped working: forbidden or gone, as an expired signed link answers. */
const LINK_GONE = /\bHTTP (403|410)\b/

/**
 * In a paused or failed download's details: give it a new link, which keeps its bytes. A failure that says the
 * link was refused (403, 410) says so, since a fresh link is then what it needs.
 */
export function RefreshLinkOffer({ view }: { view: TransferView }) {
  if (view.state !== 'paused' && view.state !== 'failed') return null
  const expired = view.error?.code === 'HTTP_STATUS' && LINK_GONE.test(view.error.message)
  return (
    <section className="refresh-link-offer" data-testid="refresh-link-offer" aria-label="Link">
      <h3>Link</h3>
      {expired && <p className="tone-warn">The server refused this link: it may have expired.</p>}
      <button type="button" data-testid="refresh-link-open" onClick={() => askRefreshLink(view.id)}>
        Refresh link…
      </button>
    </section>
  )
}
