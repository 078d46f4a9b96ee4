import { isPinpointError, type PinpointError } from '../../shared/pinpoint-error.ts'
import { isRetryable, parseRetryAfter, retryDelay, type RetryPolicy } from './retry-policy.ts'
import { sleep } from './sleep.ts'
import type { EngineEnv } from './transfer-runner.ts'

export interface RetryHooks {
  /** Told before each wait, with the policy's maximum, for the transfer's event log and its views. */
  onRetry: (err: PinpointError, failures: number, delayMs: number, maxAttempts: number) => void
  /** True when the failed attempt still moved the download forward: the failure count starts over. */
  madeProgress?: () => boolean
  /** A last word on whether this error may be retried at all (e.g. no resume without range support). */
  mayRetry?: (err: PinpointError) => boolean
}

/**
 * Run `attempt` until it succeeds, backing off between failures (Retry-After wins when the server sent one).
 *
 * Permanent failures (TLS, pins, 404/410, integrity, a full disk) are thrown at once; so is anything that is not
 * a PinpointError, which would be a bug. After `maxAttempts` failures in a row without progress, the last
 * error is thrown.
 */
export async function retrying<T>(
  policy: RetryPolicy,
  signal: AbortSignal,
  hooks: RetryHooks,
  attempt: () => Promise<T>,
): Promise<T> {
  for (let failures = 0; ;) {
    try {
      return await attempt()
    } catch (err) {
      if (signal.aborted || !isPinpointError(err)) throw err
      const extra = err as PinpointError & { httpStatus?: number; retryAfter?: string }
      failures = hooks.madeProgress?.() ? 1 : failures + 1
      if (!isRetryable(err.code, extra.httpStatus, err.context.cause) || failures >= policy.maxAttempts) throw err
      if (hooks.mayRetry && !hooks.mayRetry(err)) throw err
      const delay = retryDelay(policy, failures, parseRetryAfter(extra.retryAfter, Date.now()))
      hooks.onRetry(err, failures, delay, policy.maxAttempts)
      await sleep(delay, signal)
    }
  }
}

export function retryMessage(err: PinpointError, failures: number, delayMs: number): string {
  return `${err.code}: ${err.message}; retry ${failures} in ${delayMs} ms`
}

/**
 * The retry hook of a transfer's every retry loop: a line in its event log, and the retry as its views show it
 * (the attempt that comes next, of the policy's maximum, when, and why the last one failed).
 */
export function reportRetry(env: Pick<EngineEnv, 'store' | 'onRetry'>, id: number): RetryHooks['onRetry'] {
  return (err, failures, delayMs, maxAttempts) => {
    env.store.events.add(id, 'retry', retryMessage(err, failures, delayMs))
    const error = { code: err.code, message: err.message }
    env.onRetry?.(id, { attempt: failures + 1, maxAttempts, at: Date.now() + delayMs, error })
  }
}
