import type { ErrorCode } from '../../shared/errors.ts'
import type { PinpointError } from '../../shared/pinpoint-error.ts'

/** OpenSSL verification results that mean "this chain does not lead to a trusted root". */
const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
  'INVALID_CA',
  'CERT_REVOKED',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'ERR_TLS_CERT_SIGNATURE_ALGORITHM_UNSUPPORTED',
])

const NETWORK: Record<string, ErrorCode> = {
  ECONNREFUSED: 'CONNECT_REFUSED',
  ETIMEDOUT: 'CONNECT_TIMEOUT',
  ECONNRESET: 'CONNECTION_RESET',
  EPIPE: 'CONNECTION_RESET',
  ECONNABORTED: 'CONNECTION_RESET',
  ENOTFOUND: 'DNS_FAILED',
  EAI_AGAIN: 'DNS_FAILED',
  EAI_FAIL: 'DNS_FAILED',
  EAI_NONAME: 'DNS_FAILED',
  EHOSTUNREACH: 'CONNECT_FAILED',
  ENETUNREACH: 'CONNECT_FAILED',
  EADDRNOTAVAIL: 'CONNECT_FAILED',
  EAFNOSUPPORT: 'CONNECT_FAILED',
}

/** Map a Node or OpenSSL error code to ours; `undefined` when it is not a known network or TLS failure. */
export function codeForNodeError(nodeCode: string | undefined): ErrorCode | undefined {
  if (!nodeCode) return undefined
  if (nodeCode === 'CERT_HAS_EXPIRED') return 'TLS_EXPIRED'
  if (nodeCode === 'CERT_NOT_YET_VALID') return 'TLS_NOT_YET_VALID'
  if (nodeCode === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'TLS_NAME_MISMATCH'
  if (UNTRUSTED.has(nodeCode)) return 'TLS_UNTRUSTED'
  if (NETWORK[nodeCode]) return NETWORK[nodeCode]
  if (nodeCode.startsWith('ERR_SSL_') || nodeCode.startsWith('ERR_TLS_')) return 'TLS_HANDSHAKE_FAILED'
  return undefined
}

const PRIORITY: ErrorCode[] = [
  'PIN_MISMATCH',
  'TLS_NAME_MISMATCH',
  'TLS_EXPIRED',
  'TLS_NOT_YET_VALID',
  'TLS_UNTRUSTED',
  'CT_FAILED',
]

/** Of several candidates' failures, the one to show: security failures first, then the first one in order. */
export function mostTelling(errors: PinpointError[]): PinpointError | undefined {
  for (const code of PRIORITY) {
    const hit = errors.find((e) => e.code === code)
    if (hit) return hit
  }
  return errors.find((e) => e.code !== 'CONNECT_REFUSED') ?? errors[0]
}
