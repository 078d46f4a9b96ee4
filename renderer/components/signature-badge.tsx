import { describeSignature, type SignatureResult } from '../../shared/signature.ts'
import type { TransferView } from '../../shared/transfer.ts'

import './signature.css'

/** The badge's short text: green "signed by <key id>" only for a verified signature. */
export function signatureLabel(r: SignatureResult): string {
  if (r.status === 'verified') return `signed by ${r.keyId ?? '?'}`
  if (r.status === 'unsigned') return 'sums file, unsigned'
  return 'signature failed'
}

/** On a row: how the publisher's signature checked out, when one was asked for and checked. */
export function SignatureBadge({ view }: { view: TransferView }) {
  const r = view.signature
  if (r === null || r === undefined) return null
  return (
    <span
      className={`signature-badge sig-${r.status}`}
      data-testid="signature-badge"
      data-status={r.status}
      title={describeSignature(r)}
    >
      {signatureLabel(r)}
    </span>
  )
}

/** In the details: the signer, the algorithm, the trusted comment and the sums line, or why it failed. */
export function SignatureDetails({ result }: { result: SignatureResult }) {
  const rows: Array<[string, string | undefined]> = [
    [
      'Status',
      result.status === 'verified' ? 'verified' : result.status === 'unsigned' ? 'unsigned sums file' : 'failed',
    ],
    ['Signer key', result.keyId],
    ['Signer', result.signer],
    ['Format', [result.format, result.algorithm].filter(Boolean).join(' ') || undefined],
    ['Signature file', result.source],
    ['Trusted comment', result.trustedComment],
    ['Sums line', result.sumsLine],
    ['Reason', result.status === 'verified' ? undefined : result.message],
  ]
  return (
    <dl className={`signature-details sig-${result.status}`} data-testid="signature-details">
      {rows
        .filter((row): row is [string, string] => row[1] !== undefined && row[1] !== '')
        .map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
    </dl>
  )
}
