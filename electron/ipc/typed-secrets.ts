import { isEmptySecrets, withCredentialInput, type TransferSecrets } from '../../shared/transfer-secrets.ts'

/**
 * The headers and cookies typed in the add dialog, as the secrets the new downloads keep sealed: every header
 * typed there counts as secret (never sent back to the window, sent to the download's own origin only).
 */
export function typedSecrets(typed: {
  headers?: string | undefined
  cookies?: string | undefined
}): TransferSecrets | undefined {
  const withHeaders = withCredentialInput(undefined, { kind: 'headers', text: typed.headers ?? '' })
  const both = withCredentialInput(withHeaders, { kind: 'cookies', text: typed.cookies ?? '' })
  return isEmptySecrets(both) ? undefined : both
}
