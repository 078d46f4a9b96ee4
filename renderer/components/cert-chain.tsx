import { formatPin } from '../../shared/pins.ts'

export interface ChainEntry {
  subject: string
  issuer: string
  validFrom: string
  validTo: string
  /** The bare base64 pin (connection info) or the `sha256//…` form (probe reports). */
  spki: string
}

/** The pin as users copy it into rules and `--pinnedpubkey`. */
export function pinOf(cert: ChainEntry): string {
  return cert.spki.startsWith('sha256/') ? cert.spki : formatPin(cert.spki)
}

interface CertChainProps {
  chain: readonly ChainEntry[]
  /** Probe results, and a refused certificate in the transfer details, offer to pin a key. */
  onPin?: (cert: ChainEntry) => void
  /** The pin button's words ("Pin this key" in a probe, "Pin this key…" where a confirmation follows). */
  pinLabel?: string
  /** One chain per pane is `cert-chain`; the chains inside each connection of a history are told apart. */
  testId?: string
}

/** A presented chain, leaf first, with each certificate's pin. */
export function CertChain({ chain, onPin, pinLabel = 'Pin this key', testId = 'cert-chain' }: CertChainProps) {
  return (
    <ol className="cert-chain" data-testid={testId}>
      {chain.length === 0 && <li className="muted">No certificates (yet).</li>}
      {chain.map((cert, i) => (
        <li key={`${i}-${cert.spki}`} className="cert">
          <div className="cert-subject">
            <strong>{i === 0 ? 'Leaf' : `#${i}`}</strong> {cert.subject}
          </div>
          <div className="cert-issuer">Issued by {cert.issuer}</div>
          <div className="cert-validity">
            Valid {cert.validFrom} → {cert.validTo}
          </div>
          <div className="cert-pin">
            <code>{pinOf(cert)}</code>
            {onPin !== undefined && (
              <button type="button" data-testid="pin-this-key" onClick={() => onPin(cert)}>
                {pinLabel}
              </button>
            )}
          </div>
        </li>
      ))}
    </ol>
  )
}
