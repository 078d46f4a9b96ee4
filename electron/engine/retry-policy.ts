import { isPermanent, type ErrorCode } from '../../shared/errors.ts'

export interface RetryPolicy {
  maxAttempts: number
  baseMs: number
  maxMs: number
}

export const defaultRetry: RetryPolicy = { maxAttempts: 6, baseMs: 1000, maxMs: 60_000 }

/**
 * The delay before retry number `attempt` (1-based): full-jitter exponential backoff, or the server's
 * Retry-After when it gave one (capped, so a hostile header cannot park a download for a year).
 */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfterMs?: number, random = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxMs * 5)
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

/**
 * The answers that a name does not exist: the system resolver's (Node reports getaddrinfo's EAI_NONAME as
 * ENOTFOUND) and a DoH server's NXDOMAIN. Asking again gets the same answer, whichever name it was (the host's,
 * its proxy's or its DoH server's), so a mistyped one fails at once. A resolver that failed for now (EAI_AGAIN:
 * no network yet; SERVFAIL; a server timing out) is asked again.
 */
const NO_SUCH_NAME: ReadonlySet<string> = new Set(['ENOTFOUND', 'EAI_NONAME', 'NXDOMAIN'])

/**
 * Whether a failure with this code is worth another try; 404 and 410 are final, other statuses are not. `cause`
 * is the resolver's own answer where a name was looked up (DNS_FAILED, or PROXY_FAILED for the proxy's name),
 * which tells a name that does not exist from a resolver that failed for now.
 */
export function isRetryable(code: ErrorCode, httpStatus?: number, cause?: string): boolean {
  if (isPermanent(code)) return false
  if (cause !== undefined && NO_SUCH_NAME.has(cause)) return false
  if (code === 'DISK_FULL' || code === 'FILE_ERROR' || code === 'INTERRUPTED') return false
  if (code === 'TOO_MANY_REDIRECTS' || code === 'REDIRECT_BLOCKED') return false
  // The same credentials get the same answer from the proxy.
  if (code === 'PROXY_AUTH_REQUIRED') return false
  // The same credentials get the same 401: it waits for the user instead.
  if (code === 'AUTH_REQUIRED') return false
  if (code === 'HTTP_STATUS' && httpStatus !== undefined) {
    return httpStatus === 408 || httpStatus === 425 || httpStatus === 429 || httpStatus >= 500
  }
  return true
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}
