import { useId, useState } from 'react'

import { MAX_PIN_LABEL_CHARS } from '../../shared/domain.ts'
import type { ChainEntry } from './cert-chain.tsx'
import { pinOf } from './cert-chain.tsx'
import { Modal } from './modal.tsx'

/** The rule a confirmed pin is saved into, so the dialog can say exactly what will change. */
export interface PinTarget {
  /** `host` or `host:port`, as the rule is keyed. */
  rule: string
  /** Whether a rule with that key is saved already. */
  exists: boolean
  /** Its trust mode before the change. */
  trust: 'ca' | 'pin'
  /**
   * The presented chain did not verify and this is its leaf: trusting the server by this key is offered (and
   * chosen by default, since the pin alone would not make the connection work).
   */
  offerTrust: boolean
  /** The form holds other unsaved edits of this rule, which are saved with the pin. */
  otherEdits?: boolean
}

export interface PinAnswer {
  label: string
  /** Trust the server by its pinned key (only when `target.offerTrust`). */
  trust: boolean
}

interface Props {
  cert: ChainEntry
  /** `answer` is given with a `target`: the label typed and the trust chosen. */
  onAnswer: (yes: boolean, answer?: PinAnswer) => void
  /** The rule the pin is saved into; without it the dialog only asks about the key. */
  target?: PinTarget
  /** The label proposed for the pin (the certificate's name by default). */
  defaultLabel?: string
}

/** Ask before a probed key becomes a pin; "No" is focused so Enter does not trust by accident. */
export function ConfirmPinDialog({ cert, onAnswer, target, defaultLabel }: Props) {
  const id = useId()
  const [label, setLabel] = useState(defaultLabel ?? commonName(cert.subject))
  const [trust, setTrust] = useState(target?.offerTrust ?? false)
  const trustAfter = target === undefined ? undefined : trust ? 'pin' : target.trust
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
      {target !== undefined && (
        <>
          {target.offerTrust && (
            <label className="confirm-pin-trust">
              <input
                type="checkbox"
                data-testid="confirm-pin-trust"
                checked={trust}
                onChange={(e) => setTrust(e.target.checked)}
              />{' '}
              <span>
                <strong>Trust this server by its pinned key</strong>
                <br />
                <span className="muted">
                  Its certificate is not verified by a CA (self-signed or a private CA). With this, a connection is
                  accepted when the server presents exactly this key, and refused otherwise.
                </span>
              </span>
            </label>
          )}
          <div className="field-grid">
            <label htmlFor={`${id}-label`}>Label</label>
            <input
              id={`${id}-label`}
              data-testid="confirm-pin-label"
              maxLength={MAX_PIN_LABEL_CHARS}
              placeholder="whose key this is, how you checked it"
              value={label}
              onChange={(e) => setLabel(e.target.value)}
            />
          </div>
          <h3 className="confirm-pin-heading">What will change</h3>
          <dl className="kv" data-testid="confirm-pin-changes">
            <dt>Host rule</dt>
            <dd>
              {target.rule} ({target.exists ? 'saved rule, updated' : 'new rule, saved'})
            </dd>
            <dt>Pin added</dt>
            <dd>
              <code>{pinOf(cert)}</code>, {label.trim() === '' ? 'unlabelled' : `labelled “${label.trim()}”`}, dated
              today
            </dd>
            {target.otherEdits === true && (
              <>
                <dt>Other fields</dt>
                <dd>your unsaved edits in the form are saved with it</dd>
              </>
            )}
            <dt>Trust mode</dt>
            <dd>
              {trustAfter === target.trust
                ? `${trustName(target.trust)} (unchanged)`
                : `${trustName(target.trust)} → ${trustName(trustAfter ?? target.trust)}`}
            </dd>
          </dl>
        </>
      )}
      <div className="dialog-buttons">
        <button
          type="button"
          className="primary"
          data-testid="confirm-pin-yes"
          onClick={() => onAnswer(true, target === undefined ? undefined : { label: label.trim(), trust })}
        >
          {target === undefined ? 'Yes, add this pin' : trust ? 'Trust and save' : 'Pin and save'}
        </button>
        <button type="button" data-testid="confirm-pin-no" autoFocus onClick={() => onAnswer(false)}>
          No
        </button>
      </div>
    </Modal>
  )
}

function trustName(trust: 'ca' | 'pin'): string {
  return trust === 'pin' ? 'pin only (trusted by its pinned key)' : 'CAs (system plus the rule’s own)'
}

/** The CN of a subject such as `C=DE, CN=nas.home.arpa`, else the whole subject. */
function commonName(subject: string): string {
  const cn = /(?:^|,\s*)CN=([^,]+)/.exec(subject)?.[1]?.trim()
  return (cn ?? subject).slice(0, MAX_PIN_LABEL_CHARS)
}
