import type { SignatureRequest } from '../shared/signature.ts'

/**
 * The add dialog's signature fields as the request's `signature` option: a URL of the signature (or `auto` for
 * the file's own `.minisig`/`.sig`/`.asc`) and a publisher key (a minisign/signify line or an armored OpenPGP
 * key). Main checks both again; a key with nothing to check is refused here so it is not silently dropped.
 */
export function signatureOption(
  signature: string,
  key: string,
): { ok: true; value: SignatureRequest | undefined } | { ok: false; reason: string } {
  const sig = signature.trim()
  const k = key.trim()
  if (sig === '') {
    return k === ''
      ? { ok: true, value: undefined }
      : { ok: false, reason: 'A publisher key needs a signature: give its URL, or "auto".' }
  }
  const keys = k === '' ? [] : [k]
  if (sig.toLowerCase() === 'auto') return { ok: true, value: { signature: 'auto', keys } }
  if (!/^https?:\/\//i.test(sig)) {
    return { ok: false, reason: 'Signature: expected an http:// or https:// URL, or "auto".' }
  }
  return { ok: true, value: { signature: { url: sig }, keys } }
}
