import { useId } from 'react'

interface Props {
  signature: string
  publisherKey: string
  onSignature: (value: string) => void
  onPublisherKey: (value: string) => void
}

/**
 * The add dialog's signature fields, as two rows of its field grid: the signature's URL (or `auto`) and the
 * publisher's key. See signatureOption for how they become the request.
 */
export function SignatureFields({ signature, publisherKey, onSignature, onPublisherKey }: Props) {
  const ids = { signature: useId(), key: useId() }
  return (
    <>
      <label htmlFor={ids.signature}>Signature</label>
      <input
        id={ids.signature}
        data-testid="add-signature"
        placeholder="https://…/file.minisig, or auto"
        spellCheck={false}
        value={signature}
        onChange={(e) => onSignature(e.target.value)}
      />
      <label htmlFor={ids.key}>Publisher key</label>
      <textarea
        id={ids.key}
        data-testid="add-pubkey"
        rows={2}
        placeholder="minisign/signify key line, or an armored OpenPGP key"
        spellCheck={false}
        value={publisherKey}
        onChange={(e) => onPublisherKey(e.target.value)}
      />
    </>
  )
}
