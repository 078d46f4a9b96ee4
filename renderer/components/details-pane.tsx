import { useTransferDetails } from '../hooks/use-transfer-details.ts'
import { useStore } from '../store/index.ts'
import { displayName } from '../store/visible.ts'
import { CertChain } from './cert-chain.tsx'
import { ConnectionInfoList } from './connection-info.tsx'
import { EventLog } from './event-log.tsx'
import { RefusedCert } from './refused-cert.tsx'
import { SegmentsBar } from './segments-bar.tsx'
import { SignatureDetails } from './signature-badge.tsx'
import { BackgroundRate } from './background-rate.tsx'
import { TransferCredentials } from './transfer-credentials.tsx'
import { RefreshLinkOffer } from './refresh-link-offer.tsx'
import { redactUrl } from '../../shared/redact-url.ts'

/** Everything known about the focused transfer: where it connected, what it trusted, and what happened. */
export function DetailsPane() {
  const focus = useStore((s) => s.ui.focus)
  const view = useStore((s) => (focus === null ? undefined : s.transfers.byId[focus]))
  const details = useStore((s) => (s.ui.details !== null && s.ui.details.id === focus ? s.ui.details.data : null))
  useTransferDetails(view === undefined ? null : view.id)

  if (view === undefined) {
    return (
      <aside className="details-pane empty" data-testid="details-pane" aria-label="Details">
        <p className="muted">Select a download to see its connection, certificates and log.</p>
      </aside>
    )
  }
  const last = details?.connections.at(-1)
  // A failed transfer whose last handshake was refused shows what it refused, never an earlier certificate.
  const refused = view.state === 'failed' && last?.refused !== undefined ? last : undefined
  return (
    <aside className="details-pane" data-testid="details-pane" aria-label={`Details of ${displayName(view)}`}>
      <h2 className="details-title">{displayName(view)}</h2>
      <p className="details-url">{redactUrl(view.url)}</p>
      {view.savedPath !== null && <p className="details-path">{view.savedPath}</p>}
      {refused !== undefined && <RefusedCert transferId={view.id} refused={refused} />}
      {view.signature && (
        <>
          <h3>Signature</h3>
          <SignatureDetails result={view.signature} />
        </>
      )}
      {view.priority === 'background' && (
        <>
          <h3>Background rate</h3>
          <BackgroundRate />
        </>
      )}
      <TransferCredentials view={view} />
      <RefreshLinkOffer view={view} />
      <h3>Segments</h3>
      <SegmentsBar segments={details?.segments ?? []} total={view.total} />
      <h3>Connections</h3>
      <ConnectionInfoList connections={details?.connections ?? []} />
      {refused === undefined && last?.protocol !== null && (
        <>
          <h3>Certificate chain</h3>
          <CertChain chain={last?.chain ?? []} />
        </>
      )}
      <h3>Event log</h3>
      <EventLog events={details?.events ?? []} />
    </aside>
  )
}
