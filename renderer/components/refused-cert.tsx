import { useState } from 'react'

import type { ConnectionInfo } from '../../shared/connection.ts'
import { command } from '../commands.ts'
import { refusalWords } from '../connection-trust.ts'
import { ruleWithPin } from '../pin-refused-key.ts'
import { appStore } from '../store/index.ts'
import { CertChain, pinOf, type ChainEntry } from './cert-chain.tsx'
import { ConfirmPinDialog } from './confirm-pin-dialog.tsx'
import { ConnectionFacts } from './connection-info.tsx'
import './connection-history.css'

interface Props {
  transferId: number
  /** The refused connection: its chain is the one the server presented to this transfer. */
  refused: ConnectionInfo
}

/**
 * The certificate a failed transfer refused, with each key's pin, and "Pin this key…": after the usual
 * confirmation, the key is saved in the host's rule (see ruleWithPin), and Retry tries again under it.
 */
export function RefusedCert({ transferId, refused }: Props) {
  const [pinning, setPinning] = useState<ChainEntry | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const code = refused.refused?.code ?? ''

  const pin = async (cert: ChainEntry) => {
    // The saved rules as main has them now: the pin joins the rule that is in force, not the mirror's copy.
    const rules = (await command('hosts:list', {})) ?? appStore.getState().hosts.rules
    const rule = ruleWithPin(rules, refused, cert.spki)
    const result = await command('hosts:upsert', { rule })
    if (result !== undefined) setSaved(pinOf(cert))
  }

  return (
    <section className="refused-cert" data-testid="refused-cert" aria-label="Refused certificate">
      <h3 className="tone-bad">Refused certificate: {refusalWords(code)}</h3>
      <p className="refused-cert-note">
        The server at {refused.address}:{refused.port} presented this chain to this download, and it was refused before
        any request was sent.
      </p>
      <ConnectionFacts c={refused} chain={false} />
      <CertChain chain={refused.chain} testId="refused-chain" onPin={setPinning} pinLabel="Pin this key…" />
      {saved !== null && (
        <p className="refused-cert-note" data-testid="refused-cert-pinned" role="status">
          <span className="tone-ok">
            Pinned {saved} for {refused.host}.
          </span>{' '}
          <button
            type="button"
            data-testid="refused-cert-retry"
            onClick={() => void command('transfers:retry', { ids: [transferId] })}
          >
            Retry
          </button>
        </p>
      )}
      {pinning !== null && (
        <ConfirmPinDialog
          cert={pinning}
          onAnswer={(yes) => {
            const cert = pinning
            setPinning(null)
            if (yes) void pin(cert)
          }}
        />
      )}
    </section>
  )
}
