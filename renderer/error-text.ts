import type { ErrorCode, FailureInfo } from '../shared/errors.ts'

/** What each failure means to a user; the record type makes a new code without a text a compile error. */
export const errorTitles: Record<ErrorCode, string> = {
  BAD_INPUT: 'Invalid input',
  BAD_URL: 'Not a downloadable link',
  BAD_PIN: 'Invalid pin',
  DNS_FAILED: 'The host name could not be resolved',
  CONNECT_REFUSED: 'The server refused the connection',
  CONNECT_TIMEOUT: 'The server did not answer in time',
  CONNECT_FAILED: 'Could not connect to the server',
  CONNECTION_RESET: 'The connection was dropped',
  IDLE_TIMEOUT: 'The download stalled',
  PROTOCOL_ERROR: 'The server sent an invalid response',
  HTTP_STATUS: 'The server answered with an error',
  TOO_MANY_REDIRECTS: 'Too many redirects',
  REDIRECT_BLOCKED: 'A redirect was blocked',
  RANGE_IGNORED: 'The server cannot resume this download',
  RANGE_INVALID: 'The server sent the wrong part of the file',
  TLS_UNTRUSTED: 'The certificate is not trusted',
  TLS_NAME_MISMATCH: 'The certificate is for a different name',
  TLS_EXPIRED: 'The certificate has expired',
  TLS_NOT_YET_VALID: 'The certificate is not valid yet',
  TLS_HANDSHAKE_FAILED: 'The secure connection could not be set up',
  PIN_MISMATCH: "The server's key does not match the pin",
  SIZE_MISMATCH: 'The file size does not match',
  CHECKSUM_MISMATCH: 'The checksum does not match',
  SIGNATURE_INVALID: "The publisher's signature does not verify",
  SIGNATURE_KEY_UNKNOWN: 'Signed by a key that is not trusted for this host',
  DISK_FULL: 'The disk is full',
  FILE_ERROR: 'The file could not be written',
  STATE_LOCKED: 'Another Pinpoint is using this download',
  OUTSIDE_ROOTS: 'The folder is outside the folders this server may write to',
  INTERRUPTED: 'The download was interrupted',
  INTERNAL: 'Internal error (please report it)',
  CT_FAILED: 'The certificate fails Certificate Transparency',
  CT_LOG_LIST_INVALID: 'The Certificate Transparency log list does not verify',
  PROFILE_OLDER: 'This host profile is older than the one installed',
  PROXY_FAILED: 'The proxy could not reach the server',
  PROXY_AUTH_REQUIRED: 'The proxy refused the credentials',
  AUTH_REQUIRED: 'The server asks for credentials',
  REFRESH_REFUSED: 'The new link is not the same file',
}

/** The title for a code, plus main's message, which says what exactly happened. */
export function errorText(error: FailureInfo): string {
  const title = errorTitles[error.code] ?? error.code
  const message = error.message.trim()
  return message === '' || message === title ? title : `${title}: ${message}`
}
