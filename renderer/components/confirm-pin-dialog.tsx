import type { ChainEntry } from './cert-chain.tsx'
import { pinOf } from './cert-chain.tsx'
import { Modal } from './modal.tsx'

/** Ask before a probed key becomes a pin; "No" is focused so Enter does not trust by accident. */
export function ConfirmPinDialog({ cert, onAnswer }: { cert: ChainEntry; onAnswer: (yes: boolean) => void }) {
  return (
    <Modal testId="confirm-pin" title="Pin this key?" onClose={() => onAnswer(false)}>
      <p>
        Only pin a key you have checked another way (for example with the server&apos;s administrator). From now on this
        host is trusted only when it presents this key.
      </p>
      <dl className="kv">
        <dt>Subject</dt>
        <dd>{cert.subject}</dd>
        <dt>Issuer</dt>
        <dd>{cert.issuer}</dd>
        <dt>Pin</dt>
        <dd>
          <code>{pinOf(cert)}</code>
        </dd>
      </dl>
      <div className="dialog-buttons">
        <button type="button" className="primary" data-testid="confirm-pin-yes" onClick={() => onAnswer(true)}>
          Yes, add this pin
        </button>
        <button type="button" data-testid="confirm-pin-no" autoFocus onClick={() => onAnswer(false)}>
          No
        </button>
      </div>
    </Modal>
  )
}
