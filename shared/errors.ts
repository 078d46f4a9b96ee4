import { z } from 'zod'

/**
 * Stable codes for every expected failure.
 *
 * The UI, the CLI's exit codes and the tests all key on these strings, so a code is never renamed; each maps
 * to exactly one exit code (usage 2, network/HTTP 3, TLS 4, pin 5, integrity 6, local 7, signal 8).
 */
export const errorExitCodes = {
  BAD_INPUT: 2,
  BAD_URL: 2,
  BAD_PIN: 2,
  DNS_FAILED: 3,
  CONNECT_REFUSED: 3,
  CONNECT_TIMEOUT: 3,
  CONNECT_FAILED: 3,
  CONNECTION_RESET: 3,
  IDLE_TIMEOUT: 3,
  PROTOCOL_ERROR: 3,
  HTTP_STATUS: 3,
  TOO_MANY_REDIRECTS: 3,
  REDIRECT_BLOCKED: 3,
  RANGE_IGNORED: 3,
  RANGE_INVALID: 3,
  TLS_UNTRUSTED: 4,
  TLS_NAME_MISMATCH: 4,
  TLS_EXPIRED: 4,
  TLS_NOT_YET_VALID: 4,
  TLS_HANDSHAKE_FAILED: 4,
  PIN_MISMATCH: 5,
  SIZE_MISMATCH: 6,
  CHECKSUM_MISMATCH: 6,
  /** A publisher's signature that does not verify over the bytes on disk (or whose trusted comment was changed). */
  SIGNATURE_INVALID: 6,
  /** A signature made by a key the user has not pinned for this host. */
  SIGNATURE_KEY_UNKNOWN: 6,
  DISK_FULL: 7,
  FILE_ERROR: 7,
  STATE_LOCKED: 7,
  /** A folder whose real path is outside every folder the server may write to (`pinpoint serve --root`). */
  OUTSIDE_ROOTS: 7,
  INTERRUPTED: 8,
  /** A bug, not an expected failure: shown with its message so it can be reported. */
  INTERNAL: 1,
  /** A host whose rule enforces Certificate Transparency presented a certificate that fails the CT policy. */
  CT_FAILED: 4,
  /** A downloaded CT log list whose signature does not verify, or which is not a v3 list. */
  CT_LOG_LIST_INVALID: 6,
  /** A host profile older than the version of it already installed (same name and signing key). */
  PROFILE_OLDER: 2,
  /** A proxy refused, closed, or answered the tunnel request with a failure (its answer is in the message). */
  PROXY_FAILED: 3,
  /** A proxy wants credentials we did not give, rejected the ones we gave, or asks for a scheme we do not speak. */
  PROXY_AUTH_REQUIRED: 3,
  /** The server answered 401 with a challenge: the transfer waits, paused, for credentials. */
  AUTH_REQUIRED: 3,
  /**
   * A new URL for a paused or failed download that does not serve the same file (another size, no common strong
   * validator and other bytes where ours are): an integrity refusal, like SIZE_MISMATCH, so nothing is mixed.
   */
  REFRESH_REFUSED: 6,
} as const

export type ErrorCode = keyof typeof errorExitCodes

export const ErrorCode = z.enum(Object.keys(errorExitCodes) as [ErrorCode, ...ErrorCode[]])

/** An expected failure as data: what crosses IPC, lands in the store and drives the CLI's exit code. */
export const FailureInfo = z.strictObject({
  code: ErrorCode,
  message: z.string().max(4096),
})
export type FailureInfo = z.infer<typeof FailureInfo>

export function exitCodeFor(code: ErrorCode): number {
  return errorExitCodes[code]
}

/** Errors that retrying cannot fix: the same request would fail the same way. */
export function isPermanent(code: ErrorCode): boolean {
  const exit = errorExitCodes[code]
  return exit === 2 || exit === 4 || exit === 5 || exit === 6
}
